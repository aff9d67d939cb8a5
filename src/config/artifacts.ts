// `artifacts` in tandem.yaml: where `tandem compile` tells Argo to keep the artifacts tasks pass
// on. An S3-compatible bucket or a GCS bucket (credentials as Kubernetes Secret keys, which the
// workflow's pods read; never the credentials themselves), or an artifact repository the cluster
// already has (`artifactRepositoryRef`: a key of a ConfigMap, as Argo names one). Without it Argo
// uses its default artifact repository.
import { Type, type Static } from '@sinclair/typebox';

const SecretKeyRef = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'The Kubernetes Secret.' }),
    key: Type.String({ minLength: 1, description: 'The key in the Secret.' }),
  },
  { additionalProperties: false, description: 'A key of a Kubernetes Secret in the workflow namespace: { name, key }.' },
);

const KeyPrefix = Type.String({ minLength: 1, description: 'Put before every key tandem writes (each run keeps its artifacts under {{workflow.uid}}/).' });

export const ArtifactRepositoryDecl = Type.Union(
  [
    Type.Object(
      {
        s3: Type.Object(
          {
            endpoint: Type.String({ minLength: 1, description: 'host:port of the S3-compatible service, e.g. minio.argo:9000.' }),
            bucket: Type.String({ minLength: 1 }),
            region: Type.Optional(Type.String({ minLength: 1 })),
            insecure: Type.Optional(Type.Boolean({ description: 'true: plain HTTP.' })),
            keyPrefix: Type.Optional(KeyPrefix),
            accessKeySecret: Type.Optional(SecretKeyRef),
            secretKeySecret: Type.Optional(SecretKeyRef),
          },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        gcs: Type.Object(
          { bucket: Type.String({ minLength: 1 }), keyPrefix: Type.Optional(KeyPrefix), serviceAccountKeySecret: Type.Optional(SecretKeyRef) },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        artifactRepositoryRef: Type.Object(
          {
            configMap: Type.Optional(Type.String({ minLength: 1, description: 'The ConfigMap (default artifact-repositories).' })),
            key: Type.Optional(Type.String({ minLength: 1, description: "The repository's key in it (default: the ConfigMap's default-v1 annotation)." })),
          },
          { additionalProperties: false },
        ),
        keyPrefix: Type.Optional(KeyPrefix),
      },
      { additionalProperties: false },
    ),
  ],
  { description: 'an artifact repository: { s3: {...} }, { gcs: {...} } or { artifactRepositoryRef: { configMap, key } }' },
);

export type ArtifactRepositoryConfig = Static<typeof ArtifactRepositoryDecl>;
