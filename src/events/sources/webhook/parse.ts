// Checking a webhook source's configuration. Apart from its declaration (schema.ts), which the
// settings table reads at every start: the checker (TypeBox's Value) is loaded only by the
// commands that read event sources.
import { Value } from '@sinclair/typebox/value';
import { SpecValidationError } from '../../../errors.js';
import { WebhookSourceConfig } from './schema.js';

/** Checks a configuration value; throws SpecValidationError with every problem and its JSON path. */
export function parseWebhookConfig(value: unknown, file?: string): WebhookSourceConfig {
  if (Value.Check(WebhookSourceConfig, value)) return value;
  const issues = [...Value.Errors(WebhookSourceConfig, value)].map((error) => ({
    ...(file !== undefined ? { file } : {}),
    path: error.path,
    message: error.message,
  }));
  throw new SpecValidationError(issues);
}
