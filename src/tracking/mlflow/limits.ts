// MLflow's request limits, which its server enforces with 400 INVALID_PARAMETER_VALUE. The batch
// limits are documented on LogBatch in service.proto; the value lengths are those of current
// MLflow servers (mlflow/utils/validation.py: params 6000 characters, tags 8000). Servers older
// than 2.x kept params to 250 characters: pass smaller limits to MlflowMirror for those.
export interface MlflowLimits {
  /** Metrics in one log-batch request. */
  maxMetricsPerBatch: number;
  /** Params in one log-batch request; tags likewise. */
  maxParamsPerBatch: number;
  maxTagsPerBatch: number;
  /** Metrics, params and tags in one log-batch request, together. */
  maxEntitiesPerBatch: number;
  /** Bytes of one JSON request (MLflow: 1 MB); batches stay well under it. */
  maxRequestBytes: number;
  maxKeyLength: number;
  maxParamValueLength: number;
  maxTagValueLength: number;
}

export const MLFLOW_LIMITS: MlflowLimits = {
  maxMetricsPerBatch: 1000,
  maxParamsPerBatch: 100,
  maxTagsPerBatch: 100,
  maxEntitiesPerBatch: 1000,
  maxRequestBytes: 1_000_000,
  maxKeyLength: 250,
  maxParamValueLength: 6000,
  maxTagValueLength: 8000,
};
