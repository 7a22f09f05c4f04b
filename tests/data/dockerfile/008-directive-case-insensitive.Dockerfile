# ESCAPE = `
FROM alpine
