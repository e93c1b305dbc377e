using Hotline.Dispatch;
using Hotline.Triage;
using Hotline.Twilio;
using Microsoft.Extensions.Configuration;

namespace Hotline.Tests.Dispatch;

public sealed class RosterTests
{
    [Fact]
    public void RosterJson_ArrayOfResponders_ParsesEveryField()
    {
        const string json = """
            [
              { "name": "Amina", "phone": "+447700900101", "languages": "en,ar", "minUrgency": "high" },
              { "Name": "Team channel", "WebhookUrl": "https://example.invalid/hook", "Languages": ["fr", "uk"] }
            ]
            """;
        var errors = new List<string>();
        var options = new RosterOptions();

        RosterLoader.Validate(RosterLoader.ParseJson(json, errors), options);

        Assert.Empty(errors);
        Assert.Empty(options.Errors);
        Assert.Collection(
            options.Responders,
            a =>
            {
                Assert.Equal("Amina", a.Name);
                Assert.Equal("+447700900101", a.Phone);
                Assert.Equal(["en", "ar"], a.Languages);
                Assert.Equal(Urgency.High, a.MinUrgency);
            },
            b =>
            {
                Assert.Null(b.Phone);
                Assert.Equal(new Uri("https://example.invalid/hook"), b.WebhookUrl);
                Assert.Equal(["fr", "uk"], b.Languages);
                Assert.Equal(Urgency.Normal, b.MinUrgency);
            });
    }

    [Theory]
    [InlineData("{\"name\":\"Amina\"}", "Key Vault secret Responders is not a JSON array of responders.")]
    [InlineData("[{\"name\":\"Amina\",\"phone\":\"+4477009", "Key Vault secret Responders is not valid JSON (line 1).")]
    [InlineData("[{\"name\":\"Amina\",\"phone\":\"07700 900101\"}]", "Key Vault secret Responders[0].phone is not an E.164 number (e.g. +447700900123).")]
    [InlineData("[{\"name\":\"Amina\",\"phone\":\"+447700900101\",\"minUrgency\":\"soon\"}]", "Key Vault secret Responders[0].minUrgency is not one of normal, high, urgent.")]
    public void RosterJson_BadSecret_NamesTheEntryWithoutQuotingIt(string json, string expected)
    {
        var errors = new List<string>();
        var options = new RosterOptions();

        RosterLoader.Validate(RosterLoader.ParseJson(json, errors), options);

        var error = Assert.Single(errors.Concat(options.Errors));
        Assert.Equal(expected, error);
        Assert.DoesNotContain("900101", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Roster_Settings_SkipsEmptyEntriesAndNamesBadOnes()
    {
        var options = Load(new()
        {
            ["Responders:0:Name"] = "",
            ["Responders:0:Phone"] = "",
            ["Responders:1:Name"] = "Amina",
            ["Responders:1:Phone"] = "+44 7700 900101",
            ["Responders:2:Name"] = "Bilal",
            ["Responders:2:WebhookUrl"] = "http://example.invalid/hook",
            ["Responders:10:Name"] = "Chloe",
            ["Responders:10:Phone"] = "+447700900103",
        });

        Assert.Equal(
            ["Responders__1__Phone is not an E.164 number (e.g. +447700900123).", "Responders__2__WebhookUrl is not an https URL (http only to localhost)."],
            options.Errors);
        Assert.Equal(["Chloe"], options.Responders.Select(r => r.Name));
        Assert.Equal("Responders__10", options.Responders[0].ToString());
    }

    [Fact]
    public void Roster_KeyVaultSecret_ReplacesTheSettingsRoster()
    {
        var options = Load(
            new() { ["Hotline:KeyVaultUri"] = "https://hotline-kv.vault.azure.net/", ["Responders:0:Name"] = "Local", ["Responders:0:Phone"] = "+447700900109" },
            "[{\"name\":\"Vault\",\"phone\":\"+447700900101\"}]");

        Assert.Empty(options.Errors);
        Assert.Equal("Key Vault", options.Source);
        Assert.Equal(["Vault"], options.Responders.Select(r => r.Name));
    }

    [Fact]
    public void Roster_KeyVaultWithoutTheSecret_KeepsTheSettingsRoster()
    {
        var options = Load(new() { ["Hotline:KeyVaultUri"] = "https://hotline-kv.vault.azure.net/", ["Responders:0:Name"] = "Local", ["Responders:0:Phone"] = "+447700900109" }, null);

        Assert.Equal("settings", options.Source);
        Assert.Equal(["Local"], options.Responders.Select(r => r.Name));
    }

    [Fact]
    public void Roster_ResponderKey_IsAHashOfTheNameNotThePhone()
    {
        var a = new Responder("Responders__0", "Amina", "+447700900101", null, [], Urgency.Normal);
        var moved = new Responder("Responders__3", " amina ", "+447700900199", null, [], Urgency.Normal);

        Assert.Equal(a.Key, moved.Key);
        Assert.DoesNotContain("7700", a.Key, StringComparison.Ordinal);
        Assert.Matches("^r[0-9a-f]{16}$", a.Key);
    }

    [Theory]
    [InlineData("AC0123456789abcdef0123456789abcdef", "", "+15005550006", "Twilio__AuthToken is not set")]
    [InlineData("AC0123456789abcdef0123456789abcdef", "token", "", "Twilio__PhoneNumber is not set")]
    [InlineData("", "token", "", "Twilio__AccountSid is not set")]
    [InlineData("AC123", "token", "+15005550006", "Twilio__AccountSid is not an account SID")]
    [InlineData("AC0123456789abcdef0123456789abcdef", "token", "5550006", "Twilio__PhoneNumber is not an E.164 number")]
    public void TwilioOptions_PartlyOrWronglyConfigured_FailsNamingTheSetting(string sid, string token, string phone, string expected)
    {
        var result = new TwilioOptionsValidator().Validate(null, new TwilioOptions { AccountSid = sid, AuthToken = token, PhoneNumber = phone });

        Assert.True(result.Failed);
        Assert.StartsWith(expected, Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void TwilioOptions_NothingSet_IsValidAndNotConfigured()
    {
        var options = new TwilioOptions();

        Assert.True(new TwilioOptionsValidator().Validate(null, options).Succeeded);
        Assert.False(options.IsConfigured);
    }

    private static RosterOptions Load(Dictionary<string, string?> settings, string? vaultSecret = null)
    {
        // What the Key Vault configuration source does with the secret "Responders": its text becomes the setting.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings)
            .AddInMemoryCollection(vaultSecret is null ? [] : [new KeyValuePair<string, string?>("Responders", vaultSecret)])
            .Build();
        var options = new RosterOptions();
        RosterLoader.Load(configuration, options);
        return options;
    }
}
