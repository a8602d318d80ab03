// The tree's dependency direction, checked by `npm run lint` (dependency-cruiser):
//   src/core/         pure logic: imports only src/core/ (and type-only declarations of npm packages)
//   src/lambda/       runs inside the Lambdas: imports src/core/ and src/lambda/, never src/workstation/
//   src/workstation/  runs on a workstation, never deployed: may import anything in src/
// docs/layout.md describes the layout.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      comment: 'src/core/ is pure logic: it must not import the Lambda runtime (AWS clients, the environment, logger, clock) or the workstation tools.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^src/(lambda|workstation)/' },
    },
    {
      name: 'core-calls-no-aws',
      comment: 'src/core/ may name AWS SDK types, but not import the SDK for its values (clients, commands).',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^node_modules/@aws-sdk/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'lambda-never-imports-workstation',
      comment: 'What runs in the Lambdas must not depend on the workstation tools (CLIs, local runner, simulator, bench, check).',
      severity: 'error',
      from: { path: '^src/lambda/' },
      to: { path: '^src/workstation/' },
    },
    {
      name: 'deployed-code-uses-no-dev-dependency',
      comment: 'src/core/ and src/lambda/ are bundled into the Lambdas: every package they import for its values must be a dependency, not a devDependency.',
      severity: 'error',
      from: { path: '^src/(core|lambda)/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-circular',
      comment: 'No import cycles among values (a cycle of type-only imports is erased at build time).',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
