"""index.ts of pulumi-policy's deserialize program, ported to Python."""

import pulumi
from dynamic_resource import Resource

hello = Resource(
    "hello",
    {
        "secret": pulumi.Output.secret("a secret value"),
        "fileAsset": pulumi.FileAsset("index.ts"),
        "stringAsset": pulumi.StringAsset("some text"),
        "fileArchive": pulumi.FileArchive("."),
        "assetArchive": pulumi.AssetArchive(
            {
                "fileAsset": pulumi.FileAsset("index.ts"),
                "stringAsset": pulumi.StringAsset("some text"),
                "fileArchive": pulumi.FileArchive("."),
            }
        ),
    },
)
