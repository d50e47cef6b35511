return ActorHa.Node.Cli.ActorHaCommand.Run(args);
