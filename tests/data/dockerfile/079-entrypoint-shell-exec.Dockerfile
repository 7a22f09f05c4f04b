FROM a
ENTRYPOINT ["/bin/sh", "-c"]
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
