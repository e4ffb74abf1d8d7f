# autograd-server as a container: build with the official Swift image, run on plain Ubuntu.
#
#   docker build -t autograd-server .
#   docker run --rm -p 8080:8080 autograd-server
#
# The build command is the one .ci/run uses, so CI proves it.

# ---- build ----
FROM swift:6.3-noble AS build
RUN apt-get update && apt-get install -y --no-install-recommends zlib1g-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Resolve dependencies first, so that source changes do not refetch them.
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --static-swift-stdlib --product autograd-server \
    && mkdir /staging \
    && cp "$(swift build -c release --show-bin-path)/autograd-server" /staging/ \
    && cp -R "$(swift build -c release --show-bin-path)/autograd-server_AutogradService.resources" /staging/

# ---- run ----
FROM ubuntu:noble
RUN apt-get update && apt-get install -y --no-install-recommends zlib1g libstdc++6 curl ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --no-create-home autograd
WORKDIR /app
COPY --from=build /staging/ /app/
USER autograd
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
STOPSIGNAL SIGTERM
ENTRYPOINT ["/app/autograd-server"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]
