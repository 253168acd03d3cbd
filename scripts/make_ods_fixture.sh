#!/usr/bin/env bash
# Build tests/fixtures/sheets/texte_exact.ods with the real LibreOffice: a CSV holding text
# cells with a tab, repeated spaces and a line break, plus numbers, a date and a boolean,
# saved as .ods by `soffice --headless --convert-to ods`, so
# the fixture's content.xml is LibreOffice's own markup, not ours.
# Run as root:  scripts/make_ods_fixture.sh
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/tests/fixtures/sheets"
WORK=$(mktemp -d /tmp/vigie-ods.XXXXXX)
mkdir -p "$OUT"
if ! command -v soffice >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libreoffice-calc-nogui
fi

# A CSV with quoted fields (tab, 3 spaces, a line break) imported by LibreOffice's own
# CSV filter: comma-separated, UTF-8 (76), detect special numbers (dates typed as dates).
printf '%s\n' 'id,commentaire,naissance,actif' \
  "7,\"Colonne$(printf '\t')décalée\",1984-03-09,TRUE" \
  '8.5,"a   b' 'c",,0012' > "$WORK/texte_exact.csv"

HOME="$WORK" soffice --headless --infilter="CSV:44,34,76,1,,1036,false,true" \
  --convert-to ods --outdir "$WORK" "$WORK/texte_exact.csv" >/dev/null
# The same sheet as XLS (BIFF8): a seed for the XLS reader's fuzz test.
HOME="$WORK" soffice --headless --convert-to xls --outdir "$WORK" "$WORK/texte_exact.ods" >/dev/null
cp "$WORK/texte_exact.ods" "$WORK/texte_exact.xls" "$OUT/"
rm -rf "$WORK"
echo "wrote $OUT/texte_exact.ods and .xls"
