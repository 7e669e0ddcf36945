#!/usr/bin/env bash
# Replays account-takeover, brute-force and denial-of-service attempts with curl against a running
# example app (`npm run example`, ideally on PostgreSQL and Redis) and says, for each, whether the
# attacker was refused. The dev outbox stands in for the victim's phone and mailbox. A second
# loopback address (127.0.0.2) plays the attacker's IP where the victim's and the attacker's IPs
# must differ.
#
#   DATABASE_URL=postgres://root@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379 \
#     REDIS_PREFIX="replay$RANDOM:" npm run example &
#   bash examples/attack-replay.sh http://127.0.0.1:3000
set -uo pipefail
BASE="${1:-http://127.0.0.1:3000}"
CID='X-Hydrogen-Client-ID: demo'
JSON='Content-Type: application/json'
RUN="$RANDOM$RANDOM"
ATTACKER_IP=127.0.0.2
failures=0

say() { printf '%-4s %s\n' "$1" "$2"; }
refused() { say ok "$1"; }
worked() { say FAIL "$1"; failures=$((failures + 1)); }
# Status code of a request; the body goes to /tmp/replay-body.
status() { curl -s -o /tmp/replay-body -w '%{http_code}' "$@"; }
field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{const v=JSON.parse(s)[process.argv[1]];console.log(v===undefined?"":v)}catch{console.log("")}})' "$1"; }
token_of() { field token < /tmp/replay-body; }
outbox() { curl -s "$BASE/dev/outbox?to=$1"; }
sms_code() { outbox "$1" | field code; }
mail_link() { outbox "$1" | field link; }
info_status() { status -H "$CID" -H "Authorization: Hydrogen-r1 $1" "$BASE/hserve/v2.2/user/info/"; }
phone() { printf '139%08d' $(( (RUN + $1) % 100000000 )); }
register() { # kind identifier password [curl options]
  status -X POST -H "$CID" -H "$JSON" "${@:4}" -d "{\"$1\":\"$2\",\"password\":\"$3\"}" "$BASE/hserve/v2.1/register/$1/"
}

echo "Replaying attacks against $BASE"

# 1. A stolen token cannot change the password through the phone API without the current one.
register username "victim1$RUN" 'Victim pass 1' >/dev/null
stolen=$(token_of)
code=$(status -X PUT -H "$JSON" -H "Authorization: Bearer $stolen" -d "{\"name\":\"owned1$RUN\",\"password\":\"Attacker pass 1\",\"password_confirmation\":\"Attacker pass 1\"}" "$BASE/api/v1/users/update")
[ "$code" = 200 ] && worked "phone API update set a password with a stolen token ($code)" || refused "phone API update without current_password: $code $(cat /tmp/replay-body)"

# 2a. Pre-hijacking a phone: the attacker registers it with a password, then the owner signs in by SMS.
victim_phone=$(phone 1)
register phone "$victim_phone" 'Attacker pass 2' --interface "$ATTACKER_IP" >/dev/null
attacker_token=$(token_of)
status -X POST -H "$CID" -H "$JSON" -d "{\"phone\":\"$victim_phone\"}" "$BASE/hserve/v2.2/sms-verification-code/" >/dev/null
code=$(sms_code "$victim_phone")
status -X POST -H "$CID" -H "$JSON" -d "{\"phone\":\"$victim_phone\",\"code\":\"$code\"}" "$BASE/hserve/v2.1/login/sms/" >/dev/null
after_token=$(info_status "$attacker_token")
after_password=$(status -X POST -H "$CID" -H "$JSON" --interface "$ATTACKER_IP" -d "{\"phone\":\"$victim_phone\",\"password\":\"Attacker pass 2\"}" "$BASE/hserve/v2.1/login/phone/")
if [ "$after_token" = 200 ] || [ "$after_password" = 201 ]; then worked "squatted phone: attacker token $after_token, attacker password $after_password after the owner's SMS sign-in"
else refused "squatted phone: attacker token $after_token, attacker password $after_password after the owner's SMS sign-in"; fi

# 2b. Pre-hijacking an e-mail: the owner still gets in through a reset link, which ends the attacker's access.
victim_mail="victim$RUN@example.com"
register email "$victim_mail" 'Attacker pass 3' --interface "$ATTACKER_IP" >/dev/null
attacker_token=$(token_of)
code=$(status -X POST -H "$CID" -H "$JSON" -d "{\"email\":\"$victim_mail\"}" "$BASE/hserve/v2.0/user/password/reset/")
link=$(mail_link "$victim_mail")
if [ "$code" != 201 ] || [ -z "$link" ]; then worked "squatted e-mail: the owner cannot ask for a reset ($code $(cat /tmp/replay-body))"
else
  reset_token=${link##*token=}
  status -X POST --data-urlencode "token=$reset_token" --data-urlencode 'password=Owner pass 33' --data-urlencode 'password_confirmation=Owner pass 33' "${link%%\?*}" >/dev/null
  after_token=$(info_status "$attacker_token")
  after_password=$(status -X POST -H "$CID" -H "$JSON" -d "{\"email\":\"$victim_mail\",\"password\":\"Attacker pass 3\"}" "$BASE/hserve/v2.0/login/email/")
  if [ "$after_token" = 200 ] || [ "$after_password" = 201 ]; then worked "squatted e-mail: attacker token $after_token, password $after_password after the owner's reset"
  else refused "squatted e-mail: owner reset; attacker token $after_token, attacker password $after_password"; fi
fi

# 3. A stolen token cannot move the account to the attacker's e-mail without the password. (A client
# API token can within recentSignInSeconds of its sign-in, 300 s, for the SDK's setEmail; an OAuth
# access token never can, so one stands in here for a token stolen later.)
register username "victim3$RUN" 'Victim pass 3' >/dev/null
status -u demo-app:demo-secret -d grant_type=password -d "username=victim3$RUN" -d 'password=Victim pass 3' "$BASE/oauth/token" >/dev/null
stolen=$(field access_token < /tmp/replay-body)
code=$(status -X PUT -H "$CID" -H "$JSON" -H "Authorization: Bearer $stolen" -d "{\"email\":\"attacker$RUN@example.com\"}" "$BASE/hserve/v2.1/user/account/")
[ "$code" = 200 ] && worked "e-mail changed with a stolen token alone" || refused "e-mail change without the password: $code $(cat /tmp/replay-body)"

# 5. 150 parallel wrong passwords for one account: at most the limit are checked, the rest are 429.
register username "victim5$RUN" 'Victim pass 5' >/dev/null
seq 150 | xargs -P 50 -I{} curl -s -o /dev/null -w '%{http_code}\n' -X POST -H "$CID" -H "$JSON" \
  -d "{\"username\":\"victim5$RUN\",\"password\":\"guess {}\"}" "$BASE/hserve/v2.1/login/username/" > /tmp/replay-burst
checked=$(grep -c '^400$' /tmp/replay-burst); throttled=$(grep -c '^429$' /tmp/replay-burst)
[ "$checked" -le 10 ] && refused "password burst: $checked checked, $throttled throttled" || worked "password burst: $checked of 150 guesses checked"

# 6. Other spellings of the same account share its counter.
register username "victim6$RUN" 'Victim pass 6' >/dev/null
token6=$(token_of)
status -X PUT -H "$CID" -H "$JSON" -H "Authorization: Hydrogen-r1 $token6" -d "{\"email\":\"victim6$RUN@example.com\",\"password\":\"Victim pass 6\"}" "$BASE/hserve/v2.1/user/account/" >/dev/null
for i in $(seq 10); do status -X POST -H "$CID" -H "$JSON" -d "{\"username\":\"victim6$RUN\",\"password\":\"guess $i\"}" "$BASE/hserve/v2.1/login/username/" >/dev/null; done
code=$(status -X POST -H "$CID" -H "$JSON" -d "{\"email\":\"victim6$RUN@example.com\",\"password\":\"guess 11\"}" "$BASE/hserve/v2.1/login/email/")
[ "$code" = 429 ] && refused "11th guess through the e-mail spelling: 429" || worked "11th guess through the e-mail spelling was checked ($code)"

# 7. Registrations per IP are limited (before any hash).
for i in $(seq 60); do status -X POST -H "$CID" -H "$JSON" -d "{\"username\":\"bulk$i$RUN\",\"password\":\"Bulk pass $i x\"}" "$BASE/hserve/v2.1/register/username/" --interface 127.0.0.3 >> /tmp/replay-bulk; echo >> /tmp/replay-bulk; done
grep -q 429 /tmp/replay-bulk && refused "60 registrations from one IP: limited ($(grep -c 201 /tmp/replay-bulk) created)" || worked "60 registrations from one IP all went through"
rm -f /tmp/replay-bulk

# 8. Another IP cannot burn the owner's pending code.
owner_phone=$(phone 8)
status -X POST -H "$CID" -H "$JSON" -d "{\"phone\":\"$owner_phone\"}" "$BASE/hserve/v2.2/sms-verification-code/" >/dev/null
code=$(sms_code "$owner_phone")
wrong=$(printf '%06d' $(( (10#$code + 1) % 1000000 )))
for i in $(seq 6); do status -X POST -H "$CID" -H "$JSON" --interface "$ATTACKER_IP" -d "{\"phone\":\"$owner_phone\",\"code\":\"$wrong\"}" "$BASE/hserve/v2.1/login/sms/" >/dev/null; done
result=$(status -X POST -H "$CID" -H "$JSON" -d "{\"phone\":\"$owner_phone\",\"code\":\"$code\"}" "$BASE/hserve/v2.1/login/sms/")
[ "$result" = 201 ] && refused "6 wrong codes from another IP: the owner's code still works" || worked "6 wrong codes from another IP burnt the owner's code ($result)"

# 9. $append cannot grow an array past its maxLength (the example declares tags with maxLength 20).
register username "victim9$RUN" 'Victim pass 9' >/dev/null
token9=$(token_of)
items=$(node -e 'console.log(JSON.stringify(Array.from({length: 30}, (_, i) => "t" + i)))')
code=$(status -X PUT -H "$CID" -H "$JSON" -H "Authorization: Hydrogen-r1 $token9" -d "{\"tags\":{\"\$append\":$items}}" "$BASE/hserve/v2.5/user/info/")
[ "$code" = 400 ] && refused "\$append of 30 items: 400 $(field code < /tmp/replay-body)" || worked "\$append of 30 items: $code"

# 10. The worst $regex the syntax accepts is refused or answered, and others are served meanwhile.
where=$(node -e 'const p="(a|aa)*".repeat(20)+"[^x]*".repeat(20);console.log(encodeURIComponent(JSON.stringify({$or:Array.from({length:10},()=>({nickname:{$regex:p,$options:"i"}}))})))')
for i in $(seq 10); do curl -s -o /dev/null -w '%{http_code}\n' -H "$CID" -H "Authorization: Hydrogen-r1 $token9" "$BASE/hserve/v2.2/user/info/?where=$where&limit=1000" > /tmp/replay-regex-$i & done
sleep 0.2
other=$(info_status "$token9")
wait
[ "$other" = 200 ] && refused "10 worst regex lists in flight: another request answered $other (regex answers: $(cat /tmp/replay-regex-* | sort | uniq -c | xargs))" || worked "another request failed during the regex lists ($other)"
rm -f /tmp/replay-regex-*

# 11. A declared oversized body is refused at once, without waiting for it.
host=${BASE#http://}
answer=$(exec 3<>"/dev/tcp/${host%:*}/${host##*:}"; printf 'POST /hserve/v2.1/login/username/ HTTP/1.1\r\nHost: %s\r\nX-Hydrogen-Client-ID: demo\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n' "$host" >&3; timeout 3 head -n 1 <&3)
[[ "$answer" == *413* ]] && refused "Content-Length 10000000 without a body: ${answer%$'\r'}" || worked "Content-Length 10000000 without a body: no answer within 3 s (${answer:-none})"

# 12. The admin API refuses a state-changing request from another port of the same host.
code=$(status -X POST -H "$JSON" -H "Origin: ${BASE%:*}:9999" -d '{"username":"admin","password":"whatever 1"}' "$BASE/userve/v1/login/")
[ "$code" = 403 ] && refused "admin sign-in from another port's page: 403" || worked "admin sign-in from another port's page: $code"

# 13. /oauth/revoke needs the whole refresh token, not its family id.
register username "victim13$RUN" 'Victim pass 13' >/dev/null
status -u demo-app:demo-secret -d grant_type=password -d "username=victim13$RUN" -d 'password=Victim pass 13' "$BASE/oauth/token" >/dev/null
refresh=$(field refresh_token < /tmp/replay-body)
status -u demo-app:demo-secret --data-urlencode "token=${refresh%%.*}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" "$BASE/oauth/revoke" >/dev/null
code=$(status -u demo-app:demo-secret -d grant_type=refresh_token --data-urlencode "refresh_token=$refresh" "$BASE/oauth/token")
[ "$code" = 200 ] && refused "revoke with a forged secret left the family alive" || worked "revoke with a forged secret killed the family ($code)"

# 14. Look-alike usernames and e-mail display names are refused.
code=$(register username "ad$(printf '\u200b')min$RUN" 'Lookalike pass 14')
[ "$code" = 400 ] && refused "username with a zero-width space: 400" || worked "username with a zero-width space: $code"
code=$(register email "Boss <boss$RUN@example.com>" 'Lookalike pass 14')
[ "$code" = 400 ] && refused "e-mail with a display name: 400" || worked "e-mail with a display name: $code"

# 15. Personal data is not cached.
status -D /tmp/replay-headers -o /dev/null -H "$CID" -H "Authorization: Hydrogen-r1 $token9" "$BASE/hserve/v2.2/user/info/" >/dev/null
grep -qi '^cache-control: .*no-store' /tmp/replay-headers && refused "own user info: Cache-Control no-store" || worked "own user info is cacheable"

# 17. SMS pumping: foreign numbers are refused; a cross-site page cannot send phone API codes.
code=$(status -X POST -H "$CID" -H "$JSON" -d '{"phone":"+88216123456"}' "$BASE/hserve/v2.2/sms-verification-code/")
[ "$code" = 400 ] && refused "code to a +882 number: 400 $(field code < /tmp/replay-body)" || worked "code to a +882 number: $code"
code=$(status -H 'Sec-Fetch-Site: cross-site' -H 'Origin: https://evil.example' "$BASE/api/v1/users/validation_code?phone=$(phone 17)&type=1")
[ "$code" = 403 ] && refused "cross-site validation_code: 403" || worked "cross-site validation_code: $code"

# 18. The most common passwords are refused.
code=$(register username "common$RUN" 'password123')
[ "$code" = 400 ] && refused "password123: 400 ($(node -e 'const b=require("fs").readFileSync("/tmp/replay-body","utf8");console.log(JSON.parse(b).error_msg)'))" || worked "password123 accepted: $code"

echo
[ "$failures" = 0 ] && echo "Every attack was refused." || echo "$failures attack(s) worked."
exit $((failures > 0))
