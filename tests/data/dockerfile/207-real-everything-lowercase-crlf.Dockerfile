from alpine:3.20
run apk add --no-cache bash \
    git
cmd ["bash"]
