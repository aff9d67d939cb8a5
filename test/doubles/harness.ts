// In-process test double support, written for tandem from the official Swagger 2.0 API files
// (../shared/specs/argo-workflows/swagger.json, ../shared/specs/kfp/kfp_api_v2beta1.swagger.json);
// not upstream code.
//
// Starts a double for one test and, when the test ends, stops it and fails the test if any
// contract violation was recorded: a client that sent what the real server refuses, or a double
// that answered off-schema, cannot pass.
import type { TestContext } from 'node:test';

interface Double {
  start(): Promise<string>;
  close(): Promise<void>;
  assertNoViolations(): void;
}

export async function useDouble<T extends Double>(t: TestContext, double: T): Promise<T> {
  await double.start();
  t.after(async () => {
    await double.close();
    double.assertNoViolations();
  });
  return double;
}
