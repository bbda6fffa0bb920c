"""An example kubelint plugin: the `image-tag` template, `no-latest-tag` rule, `count` format."""
