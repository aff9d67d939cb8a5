// Sensors: dependencies on events, filters, a condition, triggers. Pure logic, no I/O.
export * from './schema.js';
export { matchesDependency, type MatchResult } from './filters.js';
export { ConditionError, compileCondition, conditionDependencies, conditionHolds, defaultCondition, parseDependencyExpression, type CompiledCondition, type DependencyExpression } from './conditions.js';
export { SensorState, SensorStateError, type DependencySeen, type Firing, type ObserveResult, type SensorStateSnapshot } from './state.js';
export { TriggerParamError, resolveTriggerParams } from './params.js';
export { DEFAULT_DEDUP_TTL, dedupKey, defaultDedupKey, ttlMs } from './dedup.js';
export { RateLimiter, type RateLimiterSnapshot } from './rate-limit.js';
export { retryDelayMs, shouldRetry } from './backoff.js';
export { nextReset } from './reset.js';
export { matchesPattern } from './patterns.js';
export { sensorIssues, validateSensor, type ValidateOptions } from './validate.js';
