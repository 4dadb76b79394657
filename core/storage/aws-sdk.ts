// The AWS SDK parts the S3 store uses (s3-store.ts), as one module. The CLI bundle does not hold
// it: scripts/build.mjs writes it to dist/aws-sdk.js, loaded when a store is made, so the SDK's
// ~900 KB are not read and compiled at every pglc command's start.
// Invariant: s3-store.ts is the only module that loads it, and only with require at run time.

export { DeleteObjectCommand, DeleteObjectsCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
export { Upload } from '@aws-sdk/lib-storage';
