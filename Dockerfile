# Obscura: one static, cgo-free binary on an empty (scratch) base, run as a
# non-root user. Multi-arch (amd64, arm64) with BuildKit:
#
#   docker buildx build --platform linux/amd64,linux/arm64 -t obscura:0.1.0 .
#
# The model is baked in when ./models holds one (a model directory or a
# registry of bundles, e.g. from `obscura pull`); otherwise mount one at
# /models (read-only is enough). deploy/ has Kubernetes manifests;
# docs/proxy.md explains both. deploy/deploy_test.go lints this file and
# builds the binary with the same command.

ARG GO_VERSION=1.26

FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS build
ARG TARGETOS=linux
ARG TARGETARCH=amd64
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath -o /out/obscura ./cmd/obscura
# The model, if the build context has one; an empty /models otherwise.
RUN mkdir -p /out/models && if [ -d models ]; then cp -r models/. /out/models/; fi

FROM scratch
# CA roots for an HTTPS upstream (obscura proxy --upstream https://...).
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/obscura /obscura
COPY --from=build --chown=65532:65532 /out/models /models
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/obscura"]
CMD ["serve", "--addr", "0.0.0.0:8080", "--model", "/models"]
