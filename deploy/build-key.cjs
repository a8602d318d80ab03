// A local plugin (serverless.yml `plugins: - ./deploy/build-key.cjs`) that lets osls
// accept the top-level `build` property Serverless Framework v4 reads.
//
// Serverless Framework v4 bundles TypeScript handlers with its own esbuild unless the
// service opts out, and a plugin that builds the code (serverless-esbuild, used here)
// "will not work unless you opt out of the default build experience"
// (https://www.serverless.com/framework/docs/providers/aws/guide/building). v4 skips its
// build when `build.esbuild` is `false` (its esbuild plugin checks exactly that,
// github.com/serverless/serverless, packages/serverless/lib/plugins/esbuild/index.js).
//
// osls, the fork of v3 this project packages with, validates the configuration in
// 'error' mode by default and does not know `build`: `Configuration error at root:
// unrecognized property 'build'`. `configValidationMode: warn` would also let every
// other mistake in serverless.yml through, so instead this plugin declares the one
// property, through the schema API plugins have for it (defineTopLevelProperty), and
// only the value used here: `build: { esbuild: false }`. Serverless v4 already defines
// `build` itself; then this plugin leaves v4's definition alone.

const BUILD_SCHEMA = {
  type: 'object',
  properties: { esbuild: { const: false } },
  required: ['esbuild'],
  additionalProperties: false,
};

class DeclareBuildKey {
  constructor(serverless) {
    const schemaHandler = serverless.configSchemaHandler;
    if (!schemaHandler || typeof schemaHandler.defineTopLevelProperty !== 'function') return;
    if (schemaHandler.schema?.properties?.build) return;
    try {
      schemaHandler.defineTopLevelProperty('build', BUILD_SCHEMA);
    } catch (error) {
      // Defined by the framework (Serverless v4) or another plugin: theirs stands.
      if (error?.code !== 'SCHEMA_COLLISION') throw error;
    }
  }
}

module.exports = DeclareBuildKey;
module.exports.BUILD_SCHEMA = BUILD_SCHEMA;
