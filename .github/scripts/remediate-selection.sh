#!/usr/bin/env bash
# The `rootguard remediate` selection options from the workflow's inputs, one per line:
# ALL ("true"/"false"), ACCOUNTS and OUS (separated by spaces). Read with `mapfile -t`, so
# no value is ever evaluated by the shell.
set -euo pipefail
if [ "${ALL:-false}" = "true" ]; then
  echo "--all"
fi
read -ra accounts <<< "${ACCOUNTS:-}"
for account in "${accounts[@]}"; do
  printf -- '--account\n%s\n' "${account}"
done
read -ra ous <<< "${OUS:-}"
for ou in "${ous[@]}"; do
  printf -- '--ou\n%s\n' "${ou}"
done
