#!/usr/bin/env bash
# azd postprovision hook: creates the one secret the app can make for itself, and prints what is left to do.
# azd runs it after every `azd provision`/`azd up` with the outputs of main.bicep in the environment.
set -euo pipefail

: "${AZURE_KEY_VAULT_NAME:?run by azd after provisioning (no AZURE_KEY_VAULT_NAME)}"

# The phone pepper turns a tipster's number into the pseudonym that threads their texts into one case:
# a new pepper would split every running conversation, so it is created once and never overwritten.
if az keyvault secret show --vault-name "$AZURE_KEY_VAULT_NAME" --name Hotline--PhonePepper --query id -o none 2>/dev/null; then
  echo "Hotline--PhonePepper exists in $AZURE_KEY_VAULT_NAME: kept."
else
  az keyvault secret set --vault-name "$AZURE_KEY_VAULT_NAME" --name Hotline--PhonePepper \
    --value "$(openssl rand -base64 32)" --query id -o none
  echo "Hotline--PhonePepper created in $AZURE_KEY_VAULT_NAME."
fi

cat <<STEPS

Next steps (the app starts only when its secrets are there; restart it after setting them):

1. Twilio auth token:
     az keyvault secret set --vault-name $AZURE_KEY_VAULT_NAME --name Twilio--AuthToken --value '<auth token>'
2. The responders' roster (docs/alerts.md, "The roster"):
     az keyvault secret set --vault-name $AZURE_KEY_VAULT_NAME --name Responders --file roster.json
3. The responders' private key, from a responder's machine (docs/responders.md, "Keys"):
     az keyvault secret set --vault-name $AZURE_RESPONDER_KEY_VAULT_NAME --name hotline-private-key --file ~/hotline-keys/hotline-private.pem
4. Restart the app:
     az functionapp restart --name $AZURE_FUNCTION_APP_NAME --resource-group ${AZURE_RESOURCE_GROUP:-<resource group>}
5. Wait until the workspace blanks the client's city, region and country (up to an hour after the first
   provisioning). Once the availability test has run for 15 minutes, this must print 0:
     az monitor log-analytics query --workspace $AZURE_LOG_ANALYTICS_WORKSPACE_ID --output tsv --analytics-query 'union AppAvailabilityResults, AppRequests, AppTraces | where TimeGenerated > ago(15m) | summarize withPlace = countif(isnotempty(ClientCity) or isnotempty(ClientStateOrProvince) or isnotempty(ClientCountryOrRegion))'
6. Then point the Twilio number's "A message comes in" webhook (HTTP POST) at:
     $SMS_WEBHOOK_URL
7. Check $AZURE_FUNCTION_APP_URL/api/health, send a test tip, and text the number.
STEPS
