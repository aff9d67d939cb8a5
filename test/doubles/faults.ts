// In-process test double support, written for tandem from the official Swagger 2.0 API files
// (../shared/specs/argo-workflows/swagger.json, ../shared/specs/kfp/kfp_api_v2beta1.swagger.json);
// not upstream code.
//
// The faults a test arms on a double. Each is consumed by the requests it hits, so a test says how
// many requests fail and the rest of the run sees a healthy server.

/** Which requests a fault hits: every one, or those of one Swagger operationId. */
export interface FaultTarget {
  operationId?: string;
}

interface Armed extends FaultTarget {
  remaining: number;
}

interface StallFault extends Armed {
  ms: number;
}

interface StreamDrop extends Armed {
  afterMessages: number;
}

function hits(fault: Armed, operationId: string): boolean {
  return fault.remaining > 0 && (fault.operationId === undefined || fault.operationId === operationId);
}

function take<T extends Armed>(list: T[], operationId: string): T | undefined {
  const fault = list.find((f) => hits(f, operationId));
  if (fault !== undefined) fault.remaining -= 1;
  return fault;
}

export class Faults {
  private readonly unavailable: Armed[] = [];
  private readonly resets: Armed[] = [];
  private readonly stalls: StallFault[] = [];
  private readonly drops: StreamDrop[] = [];

  /** The next `count` requests answer 503 Unavailable before anything is done. */
  failNext(count: number, target: FaultTarget = {}): void {
    this.unavailable.push({ ...target, remaining: count });
  }

  /** The next `count` requests have their connection reset before anything is done. */
  resetNext(count: number, target: FaultTarget = {}): void {
    this.resets.push({ ...target, remaining: count });
  }

  /**
   * The next `count` requests are carried out (a create stores its object) and then answered only
   * after `ms`, or never if the client gave up first: the retry-after-timeout case.
   */
  stallAfterHandling(ms: number, target: FaultTarget, count = 1): void {
    this.stalls.push({ ...target, remaining: count, ms });
  }

  /** The next `count` streams of the operation are cut (connection destroyed) after `afterMessages` messages. */
  dropStream(afterMessages: number, target: FaultTarget, count = 1): void {
    this.drops.push({ ...target, remaining: count, afterMessages });
  }

  takeUnavailable(operationId: string): boolean {
    return take(this.unavailable, operationId) !== undefined;
  }

  takeReset(operationId: string): boolean {
    return take(this.resets, operationId) !== undefined;
  }

  takeStall(operationId: string): number | undefined {
    return take(this.stalls, operationId)?.ms;
  }

  takeDrop(operationId: string): number | undefined {
    return take(this.drops, operationId)?.afterMessages;
  }
}
