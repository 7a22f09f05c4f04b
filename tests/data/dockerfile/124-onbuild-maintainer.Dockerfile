FROM a
onbuild maintainer me
