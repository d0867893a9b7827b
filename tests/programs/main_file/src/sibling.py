NAME = "from-sibling-module"
