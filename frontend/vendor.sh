#!/bin/sh
# Copy the YASGUI browser bundle from node_modules into server/static/vendor/yasgui/, with its
# licence, the licences of everything bundled in it, and a VERSION file. Run `npm ci` first.
# The copied files are byte-identical to the npm package's (VERSION lists their SHA-256).
set -eu
cd "$(dirname "$0")"
package=node_modules/@zazuko/yasgui
target=../server/static/vendor/yasgui
[ -f "$package/package.json" ] || { echo "run 'npm ci' in frontend/ first" >&2; exit 1; }
version=$(node -p "require('./$package/package.json').version")
pinned=$(node -p "require('./package.json').dependencies['@zazuko/yasgui']")
[ "$version" = "$pinned" ] || { echo "installed @zazuko/yasgui $version, package.json pins $pinned: run 'npm ci'" >&2; exit 1; }

rm -rf "$target"
mkdir -p "$target"
cp "$package/build/yasgui.min.js" "$package/build/yasgui.min.css" "$target/"

# YASGUI's own licence (the npm package ships none; this is LICENSE from github.com/zazuko/Yasgui).
cp licenses/yasgui-LICENSE "$target/LICENSE"

# The bundle includes its dependencies: keep each one's licence text.
{
  echo "yasgui.min.js and yasgui.min.css bundle the following packages (name, version, licence)."
  echo
  for manifest in $(find node_modules -name package.json -path '*node_modules/*/package.json' \
                      -not -path '*/node_modules/*/node_modules/*' -not -path '*/@types/*' \
                      -not -path '*/test/*' | sort); do
    dir=$(dirname "$manifest")
    name=$(node -p "require('./$manifest').name")
    [ "$dir" = "node_modules/$name" ] || continue  # a package.json inside a package, not a package
    info=$(node -p "const p=require('./$manifest'); p.version + ' ' + (p.license || 'see below')")
    echo "================================================================"
    echo "$name $info"
    echo "================================================================"
    file=$(find "$dir" -maxdepth 1 -iname 'licen[cs]e*' | sort | head -n 1)
    if [ -n "$file" ]; then cat "$file"; echo; else echo "(no licence file in the package; see its package.json)"; echo; fi
  done
} > "$target/THIRD-PARTY-LICENSES"

{
  echo "@zazuko/yasgui $version (npm registry)"
  echo "copied by frontend/vendor.sh from node_modules/@zazuko/yasgui/build/"
  (cd "$target" && sha256sum yasgui.min.js yasgui.min.css)
} > "$target/VERSION"
echo "vendored @zazuko/yasgui $version into $target"
