using Hotline.Tests.Infrastructure;

[assembly: AssemblyFixture(typeof(AzuriteFixture))]
