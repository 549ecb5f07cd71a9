#!/bin/sh
# Lighthouse (mobile preset, performance only) on the staff pages outside /admin/, each
# logged in as its role by a session cookie (bench/lighthouse_page.mjs: one run). Run
# from the repository root after `make run`'s set-up (migrate + seed_demo: the demo
# accounts and sessions).
#
#   cd /tmp/lh && npm init -y && npm install lighthouse     # once, outside the repository
#   CHROME_PATH=/usr/bin/chromium sh bench/lighthouse_staff.sh
#   RUNS=1 ONLY='qa-console|qa-presenter' sh bench/lighthouse_staff.sh   # fewer
#
# The portal runs as in production (DEBUG=false, collected static files served by
# WhiteNoise, one daphne process) on 127.0.0.1:$PORT; the script stops it at the end.
set -eu
PORT=${PORT:-8731}
LH_DIR=${LH_DIR:-/tmp/lh}  # where `npm install lighthouse` was run
OUT=${OUT:-/tmp/lh/reports}
RUNS=${RUNS:-3}
ONLY=${ONLY:-}  # e.g. ONLY='qa-console|qa-presenter': those pages only
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
export DEBUG=false ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false
export PUBLIC_BASE_URL="http://127.0.0.1:$PORT"
SECRET_KEY=${SECRET_KEY:-$(python3 -c 'import secrets; print(secrets.token_urlsafe(64))')}
export SECRET_KEY
mkdir -p "$OUT"

.venv/bin/python manage.py collectstatic --no-input -v 0
.venv/bin/daphne -b 127.0.0.1 -p "$PORT" portal.asgi:application >"$OUT/daphne.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM
until curl -fs -o /dev/null "$PUBLIC_BASE_URL/robots.txt"; do sleep 1; done

# A session for a demo account, as a log-in leaves it (tests/sessions.py).
cookie() {
  .venv/bin/python manage.py shell -v 0 -c "
from portal.models import User
from tests.sessions import session_cookie
print(session_cookie(User.objects.get(email='$1')))"
}
MODERATOR=$(cookie moderator@example.org)
ADMIN=$(cookie admin@example.org)
COORDINATOR=$(cookie coordinator@example.org)

# label|cookie|path
PAGES="moderation-queue|$MODERATOR|/moderation/
moderation-log|$MODERATOR|/moderation/log/
qa-console|$MODERATOR|/qa/family-night-live/moderate/
qa-presenter|$MODERATOR|/qa/family-night-live/present/
room-as-moderator|$MODERATOR|/rooms/parents/
qa-console-admin|$ADMIN|/qa/family-night-live/moderate/
events-coordinator|$COORDINATOR|/events/
home-anonymous||/"

echo "$PAGES" | grep -E "^(${ONLY:-.*})\|" | while IFS='|' read -r label session path; do
  run=1
  while [ "$run" -le "$RUNS" ]; do
    LH_DIR="$LH_DIR" node bench/lighthouse_page.mjs "$PUBLIC_BASE_URL$path" \
      "$OUT/$label-$run.json" $session </dev/null ||
      echo "lighthouse failed on $label, run $run" >&2
    run=$((run + 1))
  done
done

# Median performance score, first and largest contentful paint, per page.
python3 - "$OUT" <<'PY'
import json, pathlib, statistics, sys
out = pathlib.Path(sys.argv[1])
pages = {}
for report in sorted(out.glob("*-[0-9]*.json")):
    label = report.stem.rsplit("-", 1)[0]
    data = json.loads(report.read_text())
    audits = data["audits"]
    pages.setdefault(label, []).append((
        round(data["categories"]["performance"]["score"] * 100),
        audits["first-contentful-paint"]["numericValue"],
        audits["largest-contentful-paint"]["numericValue"],
        audits["total-blocking-time"]["numericValue"],
        audits["cumulative-layout-shift"]["numericValue"],
        data["finalDisplayedUrl"],
    ))
print("| page | scores | median | FCP | LCP | TBT | CLS |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for label, runs in pages.items():
    med = lambda i: statistics.median(r[i] for r in runs)
    final = "/" + runs[0][5].split("/", 3)[-1]  # the path the page ended on
    print(f"| {label} (`{final}`) | "
          f"{', '.join(str(r[0]) for r in runs)} | {med(0):.0f} | {med(1)/1000:.1f} s | "
          f"{med(2)/1000:.1f} s | {med(3):.0f} ms | {med(4):.3f} |")
PY
