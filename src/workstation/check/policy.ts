/**
 * The IAM policy `npm run check` and `npm run snapshot` need: one action per operation
 * they send (./read-only.ts), as each operation's page in the API references names it.
 *
 * - ListCertificateAuthorities → acm-pca:ListCertificateAuthorities, which has no resource
 *   type (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsprivatecertificateauthority.html), so Resource "*"
 * - DescribeCertificateAuthority → acm-pca:DescribeCertificateAuthority, on certificate-authority ARNs (same page)
 * - GetBucketPolicy → s3:GetBucketPolicy (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketPolicy.html)
 * - GetPublicAccessBlock → s3:GetBucketPublicAccessBlock (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetPublicAccessBlock.html)
 * - GetBucketOwnershipControls → s3:GetBucketOwnershipControls (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketOwnershipControls.html)
 * - GetBucketEncryption → s3:GetEncryptionConfiguration (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketEncryption.html)
 * - GetBucketLocation → s3:GetBucketLocation, snapshot only (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLocation.html)
 * - ListObjectsV2 → s3:ListBucket, snapshot only (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html)
 *
 * The bucket actions are on bucket ARNs; the policy names every bucket (`arn:aws:s3:::*`)
 * because the CRL buckets are whatever the CAs name: narrow it to yours if you know them.
 */
export const READ_ONLY_POLICY = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'ListCertificateAuthorities', Effect: 'Allow', Action: ['acm-pca:ListCertificateAuthorities'], Resource: '*' },
    {
      Sid: 'DescribeCertificateAuthorities',
      Effect: 'Allow',
      Action: ['acm-pca:DescribeCertificateAuthority'],
      Resource: 'arn:aws:acm-pca:*:*:certificate-authority/*',
    },
    {
      Sid: 'ReadCrlBuckets',
      Effect: 'Allow',
      Action: [
        's3:GetBucketPolicy',
        's3:GetBucketPublicAccessBlock',
        's3:GetBucketOwnershipControls',
        's3:GetEncryptionConfiguration',
        's3:GetBucketLocation',
        's3:ListBucket',
      ],
      Resource: 'arn:aws:s3:::*',
    },
  ],
} as const;
