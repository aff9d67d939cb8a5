// Keeps secrets out of text that leaves the transport (error messages, server bodies quoted in
// them). A token read from a file rotates, so every value seen is remembered, not only the last:
// a server may echo the token an earlier request carried.
const MASK = '[redacted]';
/** A rotating projected token changes about hourly; a few dozen values cover any process's life. */
const REMEMBERED = 32;

export class Redactor {
  private readonly secrets: string[] = [];

  /** Registers a secret value; empty values are ignored (they would match everywhere). */
  add(secret: string): void {
    if (secret === '' || this.secrets.includes(secret)) return;
    this.secrets.push(secret);
    if (this.secrets.length > REMEMBERED) this.secrets.shift();
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a token containing another is masked whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join(MASK);
    return out;
  }
}
