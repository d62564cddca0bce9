# syntax=docker/dockerfile:1

# Workbench image: the Blazor Server web host plus the LLamaSharp worker it starts.
#
#   docker compose up -d --build                                 (see compose.yaml)
#   docker build -t workbench .                                  CUDA 12 backend (default)
#   docker build --build-arg LLAMA_BACKEND=Cpu -t workbench .    CPU-only llama.cpp
#
# CUDA runtime libraries that the final image is based on. llama.cpp's CUDA build in
# LLamaSharp.Backend.Cuda12 is compiled against CUDA 12.2 and links libcudart.so.12,
# libcublas.so.12 and libcublasLt.so.12 dynamically, without shipping them. Any 12.x
# runtime >= 12.2 satisfies them (CUDA minor-version compatibility). The host driver must
# support the version picked here (12.8 needs driver >= 570, and RTX 50-series GPUs need
# 12.8); on an older driver build with e.g. --build-arg CUDA_VERSION=12.6.3 (driver >= 560).
ARG CUDA_VERSION=12.8.1

# ---------------------------------------------------------------------------------------
# Build: restore and publish the web host, which also publishes the worker beside it.
# ---------------------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build

# llama.cpp backend of the worker (MSBuild property LlamaBackend): Cuda12 or Cpu.
ARG LLAMA_BACKEND=Cuda12

WORKDIR /src

# Restore layer: only the files that decide the package graph, so source edits reuse it.
COPY Directory.Build.props Directory.Packages.props ./
COPY src/Workbench.Core/Workbench.Core.csproj src/Workbench.Core/
COPY src/Workbench.Worker/Workbench.Worker.csproj src/Workbench.Worker/
COPY src/Workbench.Web/Workbench.Web.csproj src/Workbench.Web/
RUN dotnet restore src/Workbench.Web/Workbench.Web.csproj -p:LlamaBackend=$LLAMA_BACKEND

# Everything else that .dockerignore lets through (src/, the top-level wwwroot/ that the
# web project links in, and any repository-wide build settings).
COPY . .

# Framework-dependent and portable (no -r): the web host starts the worker as
# `dotnet Workbench.Worker.dll`, and LLamaSharp looks its native libraries up under
# runtimes/linux-x64/native/<variant>/ next to the assemblies. The backend must match
# the restore above, or --no-restore finds no assets for the CUDA package.
RUN dotnet publish src/Workbench.Web/Workbench.Web.csproj \
        --configuration Release \
        --no-restore \
        --output /app \
        -p:LlamaBackend=$LLAMA_BACKEND \
        -p:UseAppHost=false

# ---------------------------------------------------------------------------------------
# The ASP.NET Core shared runtime, taken from Microsoft's Ubuntu 24.04 (noble) image: the
# same distribution as the CUDA image below, so its native dependencies match.
# ---------------------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble AS dotnet-runtime

# ---------------------------------------------------------------------------------------
# Final image: NVIDIA's CUDA *runtime* image (cudart + cuBLAS) with .NET added.
#
# Why not mcr.microsoft.com/dotnet/aspnet:10.0 plus the NVIDIA Container Toolkit? The
# toolkit only injects the host's *driver* libraries (libcuda.so.1, libnvidia-ml, ...);
# it does not provide the CUDA runtime (libcudart) or cuBLAS. On the plain aspnet image
# libggml-cuda.so cannot load and LLamaSharp silently falls back to the CPU. The
# "-runtime-" flavour of nvidia/cuda carries exactly those libraries ("-base-" has only
# cudart, "-devel-" adds the compilers we do not need). With LLAMA_BACKEND=Cpu the image
# still works; the CUDA libraries are simply unused.
# ---------------------------------------------------------------------------------------
FROM nvidia/cuda:${CUDA_VERSION}-runtime-ubuntu24.04 AS final

# UID/GID of the non-root user, the same as in Microsoft's .NET images.
ARG APP_UID=1654
ARG DEBIAN_FRONTEND=noninteractive

# .NET runtime dependencies (as in Microsoft's runtime-deps:10.0-noble image), libgomp1
# (llama.cpp's ggml libraries are built with OpenMP) and curl for the health check.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        ca-certificates \
        curl \
        libc6 \
        libgcc-s1 \
        libgomp1 \
        libicu74 \
        libssl3t64 \
        libstdc++6 \
        tzdata \
    && rm -rf /var/lib/apt/lists/*

COPY --from=dotnet-runtime /usr/share/dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet

# LLamaSharp decides whether to try its cuda12 libraries by reading the cuBLAS version
# from /usr/local/cuda/version.json (a file of the full toolkit). Without it, it never
# tries CUDA and runs on the CPU. Write a minimal one from the image's own variables
# when the runtime image lacks the file.
RUN if [ ! -f /usr/local/cuda/version.json ]; then \
        mkdir -p /usr/local/cuda \
        && cublas="${NV_LIBCUBLAS_VERSION:-$CUDA_VERSION}" \
        && printf '{"cuda":{"name":"CUDA SDK","version":"%s"},"libcublas":{"name":"CUDA cuBLAS","version":"%s"}}\n' \
            "$CUDA_VERSION" "${cublas%%-*}" > /usr/local/cuda/version.json; \
    fi

# Non-root user. /data and /models are created owned by it, so that the named volumes
# compose mounts there start out writable (Docker copies the ownership into a new volume).
RUN groupadd --gid "$APP_UID" app \
    && useradd --no-log-init --uid "$APP_UID" --gid "$APP_UID" --create-home app \
    && mkdir -p /data /models \
    && chown "$APP_UID:$APP_UID" /data /models

ENV DOTNET_ROOT=/usr/share/dotnet \
    DOTNET_RUNNING_IN_CONTAINER=true \
    DOTNET_NOLOGO=true \
    ASPNETCORE_HTTP_PORTS=8080 \
    Workbench__DataDirectory=/data \
    Workbench__ModelRoots__0=/models

WORKDIR /app
# Application files stay owned by root: the app user can read but not modify them.
COPY --from=build /app ./

USER $APP_UID

EXPOSE 8080

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD curl -fsS --max-time 4 http://localhost:8080/healthz > /dev/null || exit 1

ENTRYPOINT ["dotnet", "Workbench.Web.dll"]
