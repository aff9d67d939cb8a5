// In-process test double of Argo Server's storage side (the Kubernetes objects behind it), written
// for tandem from the official API file ../shared/specs/argo-workflows/swagger.json; not upstream code.
//
// Namespaced objects of one kind with Kubernetes' bookkeeping: uid, creationTimestamp, a
// resourceVersion that grows with every change, and a history of ADDED/MODIFIED/DELETED events a
// watch replays from a resourceVersion. `compact()` forgets that history, after which a watch from
// an older resourceVersion answers 410 Gone, as an etcd compaction makes Kubernetes do.
import { randomUUID } from 'node:crypto';
import { ApiError, GRPC } from './http-double.js';

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name?: string;
    generateName?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent<T> {
  type: EventType;
  object: T;
  resourceVersion: number;
}

/** Kubernetes' timestamps: RFC 3339 to the second. */
export function kubeTime(date = new Date()): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** The shared resourceVersion counter: one per server, as etcd's revision is. */
export class Revision {
  value = 1;
  next(): number {
    this.value += 1;
    return this.value;
  }
}

const SUFFIX = 'bcdfghjklmnpqrstvwxz2456789';

export class ObjectStore<T extends KubeObject> {
  private readonly objects = new Map<string, T>();
  private readonly history: Array<StoreEvent<T>> = [];
  private readonly listeners = new Set<(event: StoreEvent<T>) => void>();
  private compactedAt = 0;

  constructor(
    /** `workflows.argoproj.io`: the resource in error messages, as Kubernetes words them. */
    readonly resource: string,
    private readonly revision: Revision,
  ) {}

  private key(namespace: string, name: string): string {
    return `${namespace}/${name}`;
  }

  private emit(type: EventType, object: T): void {
    const event = { type, object: structuredClone(object), resourceVersion: Number(object.metadata.resourceVersion) };
    this.history.push(event);
    for (const listener of this.listeners) listener(event);
  }

  notFound(name: string): ApiError {
    return new ApiError(GRPC.NOT_FOUND, `${this.resource} "${name}" not found`);
  }

  create(namespace: string, object: T): T {
    const stored = structuredClone(object);
    const meta = stored.metadata;
    if (meta.name === undefined || meta.name === '') {
      if (meta.generateName === undefined || meta.generateName === '') {
        throw new ApiError(GRPC.INVALID_ARGUMENT, `${this.resource} "" is invalid: metadata.name: Required value: name or generateName is required`);
      }
      do {
        meta.name = meta.generateName + Array.from({ length: 5 }, () => SUFFIX[Math.floor(Math.random() * SUFFIX.length)]).join('');
      } while (this.objects.has(this.key(namespace, meta.name)));
    }
    const name = meta.name;
    if (this.objects.has(this.key(namespace, name))) {
      throw new ApiError(GRPC.ALREADY_EXISTS, `${this.resource} "${name}" already exists`);
    }
    meta.namespace = namespace;
    meta.uid = randomUUID();
    meta.creationTimestamp = kubeTime();
    meta.resourceVersion = String(this.revision.next());
    meta.generation = 1;
    this.objects.set(this.key(namespace, name), stored);
    this.emit('ADDED', stored);
    return structuredClone(stored);
  }

  get(namespace: string, name: string): T {
    const found = this.objects.get(this.key(namespace, name));
    if (found === undefined) throw this.notFound(name);
    return structuredClone(found);
  }

  has(namespace: string, name: string): boolean {
    return this.objects.has(this.key(namespace, name));
  }

  /** Applies `change` to the stored object and announces it (the controller's and the server's writes). */
  update(namespace: string, name: string, change: (object: T) => void): T {
    const found = this.objects.get(this.key(namespace, name));
    if (found === undefined) throw this.notFound(name);
    change(found);
    found.metadata.resourceVersion = String(this.revision.next());
    this.emit('MODIFIED', found);
    return structuredClone(found);
  }

  delete(namespace: string, name: string): T {
    const found = this.objects.get(this.key(namespace, name));
    if (found === undefined) throw this.notFound(name);
    this.objects.delete(this.key(namespace, name));
    found.metadata.resourceVersion = String(this.revision.next());
    this.emit('DELETED', found);
    return structuredClone(found);
  }

  list(namespace: string): T[] {
    return [...this.objects.values()]
      .filter((o) => namespace === '' || o.metadata.namespace === namespace)
      .map((o) => structuredClone(o));
  }

  get resourceVersion(): string {
    return String(this.revision.value);
  }

  /** Forgets the event history: a watch from any resourceVersion before now answers 410 Gone. */
  compact(): void {
    this.compactedAt = this.revision.value;
    this.history.length = 0;
  }

  /**
   * Events after `fromVersion` (undefined: ADDED for every current object), then live ones, until
   * the returned function is called.
   */
  watch(fromVersion: string | undefined, listener: (event: StoreEvent<T>) => void): () => void {
    if (fromVersion === undefined || fromVersion === '' || fromVersion === '0') {
      for (const object of this.objects.values()) {
        listener({ type: 'ADDED', object: structuredClone(object), resourceVersion: Number(object.metadata.resourceVersion) });
      }
    } else {
      const from = Number(fromVersion);
      if (!Number.isInteger(from)) throw new ApiError(GRPC.INVALID_ARGUMENT, `invalid resource version ${JSON.stringify(fromVersion)}`);
      if (from < this.compactedAt) {
        throw new ApiError(GRPC.FAILED_PRECONDITION, `too old resource version: ${from} (${this.compactedAt})`, 410);
      }
      for (const event of this.history) if (event.resourceVersion > from) listener(event);
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
