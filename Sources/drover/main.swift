import DroverCLI
await DroverMain.main()
