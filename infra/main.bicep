// Hotline on Azure: a Flex Consumption Function App running the .NET isolated worker, its storage, two
// Key Vaults and monitoring. Everything authenticates with one user-assigned identity; the storage
// account takes no shared keys. Deploy with `azd up` (azure.yaml; parameters from main.parameters.json and the
// azd environment; see docs/operating.md, "Deploying to Azure").
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

@description('Days a closed case is kept after it was closed (Hotline__Retention__ClosedDays).')
@minValue(1)
param retentionClosedDays int = 60

@description('Days a case is kept after its last activity (Hotline__Retention__InactiveDays).')
@minValue(1)
param retentionInactiveDays int = 180

@description('Days no case outlives (Hotline__Retention__MaxDays); the storage lifecycle deletes report blobs 30 days after it, whatever the app did.')
@minValue(1)
param retentionMaxDays int = 730

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

@description('E-mail addresses the alert rules notify (the on-call engineers).')
param alertEmails array = []

@description('Phones the alert rules text, as { countryCode: \'44\', phoneNumber: \'7700900123\' }.')
param alertSmsReceivers array = []

@description('DispatchTriage failures in 15 minutes that raise an alert (each failure is retried; a few are normal in a Twilio outage).')
@minValue(1)
param dispatchFailureThreshold int = 3

@description('Failed follow-up look-ups (wrong or unknown codes) site-wide in an hour at which the followup-failures rule fires: someone may be trying codes from many addresses.')
@minValue(1)
param followUpFailureThreshold int = 200

@description('Tags on every resource.')
param tags object = {}

// Resource names take lowercase letters and digits (storage) or single hyphens (the rest).
var baseName = toLower(environmentName)
// azd's naming: one token per subscription, group, environment and region.
var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, baseName, location))
// azd passes lists through one environment value each: an unset one arrives as an empty entry.
var responders = filter(responderPrincipalIds, id => !empty(id))
var emails = filter(alertEmails, email => !empty(email))
var allTags = union(tags, { 'azd-env-name': environmentName, 'hotline-environment': baseName })
var functionAppName = 'func-${baseName}-${resourceToken}'
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
  name: 'id-${baseName}-${resourceToken}'
  location: location
  tags: allTags
}

// ---------------------------------------------------------------- storage

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: take('st${replace(baseName, '-', '')}${resourceToken}', 24)
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
// digest (no expiry: each is removed once a digest covering it is delivered). followup: the web follow-up codes'
// look-up blobs (named by a keyed, stretched hash; kept with the case, so not under intake's 30-day rule).
// app-package: the deployment package.
resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [
  for name in [ 'tips', 'cases', 'audit', 'intake', 'followup', 'alerts', 'alert-digest', deploymentContainerName ]: {
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
// a pseudonym-to-case link around. Reports are deleted by the app's daily retention run (ExpireCases); the
// second rule is its backstop, so a stopped timer cannot keep a report past retentionMaxDays and a margin.
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
        {
          name: 'backstop-delete-reports-past-max-retention'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [ 'blockBlob' ]
              prefixMatch: [ 'tips/', 'cases/', 'alert-digest/', 'followup/' ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterCreationGreaterThan: retentionMaxDays + 30
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
  for principalId in responders: {
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
  name: take('kv-${baseName}-${resourceToken}', 24)
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
  name: take('kvr-${baseName}-${resourceToken}', 24)
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
  for principalId in responders: {
    name: guid(responderVault.id, principalId, roles.keyVaultSecretsUser)
    scope: responderVault
    properties: {
      principalId: principalId
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    }
  }
]

// ---------------------------------------------------------------- monitoring

// Application Insights fills in client city, region and country from the caller's address even with IP
// masking on, and the Functions host records each request it serves: next to the app's own lines that
// would tie a receipt to a place. The workspace transformation below blanks those fields in every App*
// table at ingestion, whichever process (host or worker) sent the record, and cuts the query string off a
// request's URL. A workspace has one such rule; it must name the workspace as its destination, so the
// workspace links it by its (deterministic) id and the rule is created right after the workspace.
var workspaceTransformsName = 'dcr-${baseName}-${resourceToken}'

// The Application Insights tables that have the Client* columns (AppSystemEvents has none).
var clientGeoTables = [
  'AppAvailabilityResults'
  'AppBrowserTimings'
  'AppDependencies'
  'AppEvents'
  'AppExceptions'
  'AppMetrics'
  'AppPageViews'
  'AppPerformanceCounters'
  'AppRequests'
  'AppTraces'
]
var blankClientGeo = 'source | extend ClientCity = "", ClientStateOrProvince = "", ClientCountryOrRegion = "", ClientIP = "0.0.0.0"'

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${baseName}-${resourceToken}'
  location: location
  tags: allTags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: logRetentionInDays
    defaultDataCollectionRuleResourceId: resourceId('Microsoft.Insights/dataCollectionRules', workspaceTransformsName)
  }
}

resource workspaceTransforms 'Microsoft.Insights/dataCollectionRules@2023-03-11' = {
  name: workspaceTransformsName
  location: location
  tags: allTags
  kind: 'WorkspaceTransforms'
  properties: {
    dataSources: {}
    destinations: {
      logAnalytics: [
        {
          name: 'workspace'
          workspaceResourceId: logs.id
        }
      ]
    }
    dataFlows: [for table in clientGeoTables: {
      streams: [
        'Microsoft-Table-${table}'
      ]
      destinations: [
        'workspace'
      ]
      transformKql: table == 'AppRequests' ? '${blankClientGeo}, Url = tostring(split(Url, "?")[0])' : blankClientGeo
    }]
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${baseName}-${resourceToken}'
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
  // Nothing is ingested before the rule that blanks the client's place exists.
  dependsOn: [
    workspaceTransforms
  ]
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

// ---------------------------------------------------------------- alert rules
// On the app's own metrics (meter "Hotline", exported to customMetrics: see docs/operating.md, "Telemetry") and the
// host's request records. Each rule names what it means in its description; the runbook says what to do.

resource onCall 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: 'ag-${baseName}-${resourceToken}'
  location: 'global'
  tags: allTags
  properties: {
    groupShortName: 'hotline'
    enabled: true
    emailReceivers: [for (email, i) in emails: {
      name: 'email-${i}'
      emailAddress: email
      useCommonAlertSchema: true
    }]
    smsReceivers: [for (sms, i) in alertSmsReceivers: {
      name: 'sms-${i}'
      countryCode: sms.countryCode
      phoneNumber: sms.phoneNumber
    }]
  }
}

// The standard availability test behind the health rule: GET /api/health from five regions every 5 minutes.
resource healthTest 'Microsoft.Insights/webtests@2022-06-15' = {
  name: 'health-${baseName}-${resourceToken}'
  location: location
  tags: union(allTags, { 'hidden-link:${appInsights.id}': 'Resource' })
  kind: 'standard'
  properties: {
    SyntheticMonitorId: 'health-${baseName}-${resourceToken}'
    Name: 'health'
    Enabled: true
    Frequency: 300
    Timeout: 30
    Kind: 'standard'
    RetryEnabled: true
    Locations: [
      { Id: 'emea-nl-ams-azr' }
      { Id: 'emea-gb-db3-azr' }
      { Id: 'emea-fr-pra-edge' }
      { Id: 'emea-se-sto-edge' }
      { Id: 'us-va-ash-azr' }
    ]
    Request: {
      RequestUrl: 'https://${functionApp.properties.defaultHostName}/api/health'
      HttpVerb: 'GET'
      ParseDependentRequests: false
    }
    ValidationRules: {
      ExpectedHttpStatusCode: 200
      SSLCheck: true
      SSLCertRemainingLifetimeCheck: 7
    }
  }
}

var alertRules = [
  {
    name: 'poison'
    severity: 1
    description: 'A triage, media or escalation message failed every delivery: an alert or an escalation step may not have reached the responders. Runbook: "A message on a poison queue".'
    query: 'customMetrics | where name == "hotline.poison" | summarize poisoned = sum(valueSum) | where poisoned > 0'
    window: 'PT5M'
  }
  {
    name: 'poison-poison'
    severity: 0
    description: 'The notice about an undelivered alert itself failed (triage-poison-poison): nobody was told. Runbook: "A message on a poison queue".'
    query: 'requests | where operation_Name in ("DispatchTriagePoison", "FetchMediaPoison", "EscalateAlertPoison") and success == false | summarize failures = count() | where failures > 0'
    window: 'PT5M'
  }
  {
    name: 'escalated-to-everyone'
    severity: 1
    description: 'An urgent alert reached the last escalation step: nobody acknowledged it, and every responder was paged on every channel. Runbook: "An alert escalated to everyone".'
    query: 'customMetrics | where name == "hotline.escalation.steps" and tostring(customDimensions.step) == "everyone" | summarize everyone = sum(valueSum) | where everyone > 0'
    window: 'PT5M'
  }
  {
    name: 'dispatch-failures'
    severity: 2
    description: 'DispatchTriage failed ${dispatchFailureThreshold} or more times in 15 minutes: Twilio or storage may be down. Runbook: "Alerts failing".'
    query: 'requests | where operation_Name == "DispatchTriage" and success == false | summarize failures = count() | where failures >= ${dispatchFailureThreshold}'
    window: 'PT15M'
  }
  {
    name: 'alert-refused'
    severity: 2
    description: 'Twilio or a webhook refused an alert for good (4xx): a bad number or URL on the roster. Runbook: "An alert refused".'
    query: 'customMetrics | where name == "hotline.alerts" and tostring(customDimensions.outcome) == "refused" | summarize refused = sum(valueSum) | where refused > 0'
    window: 'PT15M'
  }
  {
    name: 'followup-failures'
    severity: 3
    description: '${followUpFailureThreshold} or more follow-up look-ups opened nothing in an hour, site-wide: someone may be trying codes from many addresses, or a page is sending bad codes. Nobody is locked out. Runbook: "Follow-up codes failing".'
    query: 'customMetrics | where name == "hotline.followup.lookups.failed" | summarize failed = sum(valueSum) | where failed >= ${followUpFailureThreshold}'
    window: 'PT1H'
  }
  {
    name: 'health'
    severity: 1
    description: 'No successful health probe for 10 minutes: the app is down or cannot reach storage. Runbook: "Health failing".'
    query: 'availabilityResults | where name == "health" | summarize succeeded = countif(success == 1) | where succeeded == 0'
    window: 'PT10M'
  }
]

resource rules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [for rule in alertRules: {
  name: 'alert-${rule.name}-${baseName}'
  location: location
  tags: allTags
  properties: {
    displayName: 'Hotline: ${rule.name}'
    description: rule.description
    severity: rule.severity
    enabled: true
    scopes: [
      appInsights.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: rule.window
    criteria: {
      allOf: [
        {
          query: rule.query
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [
        onCall.id
      ]
    }
  }
}]

// ---------------------------------------------------------------- the Function App

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-${baseName}-${resourceToken}'
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
  // azd deploys the service to the resource with its name in this tag.
  tags: union(allTags, { 'azd-service-name': 'api' })
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
    // ARR affinity would set a cookie on the tip form, which promises none.
    clientAffinityEnabled: false
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
      // ExpireCases' [TimerTrigger("%ExpireCasesSchedule%")]: daily at 03:30 UTC.
      ExpireCasesSchedule: '0 30 3 * * *'
      Hotline__Retention__ClosedDays: string(retentionClosedDays)
      Hotline__Retention__InactiveDays: string(retentionInactiveDays)
      Hotline__Retention__MaxDays: string(retentionMaxDays)
    }
    dependsOn: [
      storageRoles
      appVaultSecretsUser
      appInsightsPublisher
    ]
  }
}

// azd writes these into the environment (.azure/<env>/.env); the postprovision hook reads them.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_FUNCTION_APP_NAME string = functionApp.name
output AZURE_FUNCTION_APP_URL string = 'https://${functionApp.properties.defaultHostName}'
output SMS_WEBHOOK_URL string = 'https://${functionApp.properties.defaultHostName}/api/sms'
output AZURE_STORAGE_ACCOUNT_NAME string = storage.name
output AZURE_KEY_VAULT_NAME string = appVault.name
output AZURE_RESPONDER_KEY_VAULT_NAME string = responderVault.name
output AZURE_IDENTITY_CLIENT_ID string = identity.properties.clientId
output AZURE_LOG_ANALYTICS_WORKSPACE_ID string = logs.properties.customerId
