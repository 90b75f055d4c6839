NAME = "from the extra lib path"
