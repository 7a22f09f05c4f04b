FROM --platform=$BUILDPLATFORM golang:1.26.1-alpine3.22 AS build
ARG TARGETOS
ARG TARGETARCH
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/svc .

FROM scratch
COPY --from=build /out/svc /svc
USER 10001:10001
ENTRYPOINT ["/svc"]
