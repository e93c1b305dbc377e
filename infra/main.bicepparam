// Example parameters: copy, fill in, and deploy with
//   az deployment group create -g <group> -f infra/main.bicep -p infra/main.bicepparam
// Nothing here is secret: secrets go into the app's Key Vault after deployment (README).
using 'main.bicep'

param environmentName = 'hotline-demo'

// The responders' public key, PEM (`hotline keys init` writes it; export HOTLINE_PUBLIC_KEY_PEM="$(cat hotline-public.pem)").
param publicKeyPem = readEnvironmentVariable('HOTLINE_PUBLIC_KEY_PEM')

// Object ids (Entra ID) of the responders or their group: they may read the private key's vault.
param responderPrincipalIds = []

// Your own object id, to set the app's secrets after deployment: `az ad signed-in-user show --query id -o tsv`.
param operatorPrincipalId = readEnvironmentVariable('HOTLINE_OPERATOR_ID', '')

param twilioAccountSid = ''
param twilioPhoneNumber = ''
