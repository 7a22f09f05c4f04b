FROM a
RUN apk add \
    # curl \
    git
