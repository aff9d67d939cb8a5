// The text of anything thrown: an Error's message, or the thrown value as a string (a rejected
// promise may carry anything, and a message must never come out as `undefined`).
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : String(error);
}
