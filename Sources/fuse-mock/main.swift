print("fuse-mock")
