# syntax=a/b
# syntax=c/d
FROM alpine
