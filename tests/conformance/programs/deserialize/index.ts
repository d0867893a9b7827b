// The file the program's FileAsset("index.ts") names: in pulumi-policy's original it is the program itself.
