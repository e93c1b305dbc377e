using BenchmarkDotNet.Attributes;
using Hotline.Text;
using Hotline.Triage;

namespace Hotline.Benchmarks;

[MemoryDiagnoser]
public class ClassificationBenchmarks
{
    private string _message = null!;

    [GlobalSetup]
    public void Setup() =>
        _message = string.Concat(Enumerable.Repeat("أخذوا جوازات سفرنا ونعمل في المزرعة قرب الحدود بدون أجر. ", 20))[..1024];

    [Benchmark(Baseline = true, Description = "floor: lower-case the report and search it once")]
    public bool Floor() => _message.ToLowerInvariant().Contains("جواز", StringComparison.Ordinal);

    [Benchmark(Description = "urgency: UrgencyClassifier.Classify")]
    public Urgency Classify() => UrgencyClassifier.Classify(_message);

    [Benchmark(Description = "language: LanguageDetector.Detect")]
    public string Detect() => LanguageDetector.Detect(_message);
}
