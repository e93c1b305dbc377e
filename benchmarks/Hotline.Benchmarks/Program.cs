using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// Hotline's CPU work per tip, each next to the bare primitive it is built on, measured in the same run:
//   envelope   ReportStore.CreateOnceAsync (JSON, padding, Hotline's client-side encryption v2 writer, the request)
//              through a transport that answers in-process, against AES-256-GCM of the same bytes plus an
//              RSA-OAEP-256 wrap of the content key (the floor: the cryptography alone), the same envelope
//              through the SDK's own v2 encryptor (what intake used before), and the same upload unencrypted (the
//              SDK's own request cost);
//   signature  the webhook signature check against one HMAC-SHA1 over the same text;
//   classify   urgency and language of a report against one lower-casing scan of it.
// In process (no separate build per benchmark: the repository restores in locked mode), ShortRun by default:
//
//   dotnet run -c Release --project benchmarks/Hotline.Benchmarks -- --filter '*'
var config = DefaultConfig.Instance
    .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);
BenchmarkSwitcher.FromAssembly(typeof(Hotline.Benchmarks.EnvelopeBenchmarks).Assembly).Run(args, config);
