/**
 * The credential provider of the Lambda bundles, in place of the SDK's default chain
 * (`@aws-sdk/credential-provider-node`, swapped for this module by an esbuild `alias` in
 * serverless.yml). Lambda hands a function its execution role's temporary credentials in
 * the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN: see
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime),
 * which is the first source of the default chain too; the chain's other sources (shared
 * config files, SSO, web identity, container and instance metadata) are never reached
 * on Lambda and would only add to every bundle. The CLIs, the tests and the local runner
 * are not bundled and keep the full chain.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
