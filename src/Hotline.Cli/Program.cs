return await Hotline.Cli.CliApp.RunAsync(args, Console.Out, Console.Error);
