// Hotline on Azure: a Flex Consumption Function App running the .NET isolated worker, its storage, two
// Key Vaults and monitoring. Everything authenticates with one user-assigned identity; the storage
// account takes no shared keys. Deploy with `az deployment group create` (see README, "Deploying to Azure").
targetScope = 'resourceGroup'

@description('Short name of this deployment: lowercase letters, digits and single hyphens (e.g. "hotline-balkans"); names every resource together with a hash of the resource group.')
@minLength(3)
@maxLength(16)
param environmentName string

@description('Azure region for every resource.')
param location string = resourceGroup().location

@description('The responders\' RSA-3072 public key (PEM). Public: it only encrypts. Its private half never comes near this deployment.')
@minLength(400)
param publicKeyPem string

@description('Object ids of the responders (users or a group) who may read the private key from the responders\' Key Vault and use the responder tool on the storage account.')
param responderPrincipalIds array = []

@description('Object id of whoever sets the app\'s secrets after deployment (Twilio auth token, phone pepper, roster); empty to assign it yourself.')
param operatorPrincipalId string = ''

@description('Twilio account SID (AC...); empty when alerts go to webhooks only.')
param twilioAccountSid string = ''

@description('The hotline\'s Twilio number in E.164 (+...); empty when alerts go to webhooks only.')
param twilioPhoneNumber string = ''

@description('Intake requests allowed per client address per minute.')
@minValue(1)
param rateLimitPerMinute int = 10

@description('Most instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory per instance (MB).')
@allowed([
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Days Log Analytics keeps logs (the app logs no tip text, phone numbers or addresses).')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

@description('Tags on every resource.')
param tags object = {}

// Resource names take lowercase letters and digits (storage) or single hyphens (the rest).
var baseName = toLower(environmentName)
var suffix = uniqueString(subscription().id, resourceGroup().id, baseName)
var allTags = union(tags, { 'hotline-environment': baseName })
var functionAppName = 'func-${baseName}-${suffix}'
var deploymentContainerName = 'app-package'

// Built-in role definitions (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles).
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${baseName}-${suffix}'
  location: location
  tags: allTags
}

// ---------------------------------------------------------------- storage

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: take('st${replace(baseName, '-', '')}${suffix}', 24)
  location: location
  tags: allTags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_ZRS'
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    // A short undo window for mistakes, not an archive: a report a responder purges must really be
    // gone within days. No versioning for the same reason (blobs are written once anyway).
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 7
    }
    isVersioningEnabled: false
  }
}

// tips: the encrypted reports. cases: one empty blob per case, its record (status, urgency, times; no content)
// in the metadata, for the responder tool's list. audit: the responder tool's audit log (who did what to which case). intake: idempotency records and SMS case pointers (hashes and tip ids).
// alerts: which responder was paged for which alert. alert-digest: the surge count, and alerts waiting for the
// digest (no expiry: each is removed once a digest covering it is delivered). app-package: the deployment package.
resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [
  for name in [ 'tips', 'cases', 'audit', 'intake', 'alerts', 'alert-digest', deploymentContainerName ]: {
    parent: blobService
    name: name
    properties: {
      publicAccess: 'None'
    }
  }
]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [
  for name in [ 'triage', 'triage-poison', 'triage-poison-poison', 'twilio-delete', 'twilio-delete-poison', 'sms-media', 'sms-media-poison', 'sms-media-poison-poison' ]: {
    parent: queueService
    name: name
  }
]

// Pointers and ledgers are only needed while retries can arrive; keeping them longer would only keep
// a pseudonym-to-case link around. Reports in "tips" are kept until responders purge them.
resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'expire-intake-pointers-and-alert-ledger'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [ 'blockBlob' ]
              prefixMatch: [ 'intake/', 'alerts/' ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: 30
                }
              }
            }
          }
        }
      ]
    }
  }
}

// The Functions host needs blob (deployment package, leases), queue (the triage trigger) and table access;
// the app itself reads and writes tips, intake, alerts and the queues. Shared keys are off, so these roles are all there is.
resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in [ roles.storageBlobDataOwner, roles.storageQueueDataContributor, roles.storageTableDataContributor ]: {
    name: guid(storage.id, identity.id, role)
    scope: storage
    properties: {
      principalId: identity.properties.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    }
  }
]

// The responders' tool (hotline tips ...) reads reports and case records, writes notes, replies, statuses and
// the audit log, and purges cases: blob data only, no queues, no keys to the account.
resource responderStorageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for principalId in responderPrincipalIds: {
    name: guid(storage.id, principalId, roles.storageBlobDataContributor)
    scope: storage
    properties: {
      principalId: principalId
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    }
  }
]

// ---------------------------------------------------------------- Key Vaults

// The app's secrets: Twilio--AuthToken, Hotline--PhonePepper, Responders (the roster as JSON). The app
// reads every enabled secret here at start-up (Hotline__KeyVaultUri); operators set them after deployment.
resource appVault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: take('kv-${baseName}-${suffix}', 24)
  location: location
  tags: allTags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource appVaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appVault.id, identity.id, roles.keyVaultSecretsUser)
  scope: appVault
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
  }
}

resource appVaultOperator 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(operatorPrincipalId)) {
  name: guid(appVault.id, operatorPrincipalId, roles.keyVaultSecretsOfficer)
  scope: appVault
  properties: {
    principalId: operatorPrincipalId
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
  }
}

// The responders' private key lives in a vault of its own, and the app's identity has no role on it:
// the intake side must never be able to read what it stored, even if the app were compromised.
resource responderVault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: take('kvr-${baseName}-${suffix}', 24)
  location: location
  tags: allTags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource responderVaultReaders 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for principalId in responderPrincipalIds: {
    name: guid(responderVault.id, principalId, roles.keyVaultSecretsUser)
    scope: responderVault
    properties: {
      principalId: principalId
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    }
  }
]

// ---------------------------------------------------------------- monitoring

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${baseName}-${suffix}'
  location: location
  tags: allTags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: logRetentionInDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${baseName}-${suffix}'
  location: location
  tags: allTags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    DisableLocalAuth: true
    // Client IP addresses are not collected (the default): no tipster's address reaches telemetry.
    DisableIpMasking: false
  }
}

resource appInsightsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, identity.id, roles.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
  }
}

// ---------------------------------------------------------------- the Function App

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-${baseName}-${suffix}'
  location: location
  tags: allTags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: functionAppName
  location: location
  tags: allTags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      // The .NET isolated worker (Hotline.Functions.dll, named by worker.config.json). Flex Consumption
      // takes the runtime from here: FUNCTIONS_WORKER_RUNTIME and FUNCTIONS_EXTENSION_VERSION are not app settings on this plan.
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }

  resource settings 'config' = {
    name: 'appsettings'
    properties: {
      // Identity-based storage for the host, the queue triggers (Connection = "AzureWebJobsStorage") and the
      // app alike (no connection string, no keys).
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identity.properties.clientId
      AzureWebJobsStorage__accountName: storage.name
      AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
      AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
      AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table
      APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.properties.clientId};Authorization=AAD'
      // DefaultAzureCredential (Key Vault) picks the user-assigned identity with this.
      AZURE_CLIENT_ID: identity.properties.clientId
      Hotline__KeyVaultUri: appVault.properties.vaultUri
      Hotline__PublicKeyPem: publicKeyPem
      Hotline__RateLimit__PerMinute: string(rateLimitPerMinute)
      Twilio__AccountSid: twilioAccountSid
      Twilio__PhoneNumber: twilioPhoneNumber
      // Twilio signs the public URL it calls: this must be exactly the address set on the number.
      Twilio__WebhookBaseUrl: 'https://${functionApp.properties.defaultHostName}'
      // The web form answers at the site root (host.json routePrefix ""): the host's own home page must not.
      AzureWebJobsDisableHomepage: 'true'
      // SweepUntriaged's [TimerTrigger("%SweepUntriagedSchedule%")]: the host resolves it from this setting.
      SweepUntriagedSchedule: '0 */5 * * * *'
    }
    dependsOn: [
      storageRoles
      appVaultSecretsUser
      appInsightsPublisher
    ]
  }
}

output functionAppName string = functionApp.name
output functionAppUrl string = 'https://${functionApp.properties.defaultHostName}'
output smsWebhookUrl string = 'https://${functionApp.properties.defaultHostName}/api/sms'
output storageAccountName string = storage.name
output appKeyVaultUri string = appVault.properties.vaultUri
output responderKeyVaultUri string = responderVault.properties.vaultUri
output identityClientId string = identity.properties.clientId
