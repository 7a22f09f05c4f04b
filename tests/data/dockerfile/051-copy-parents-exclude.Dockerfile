FROM a
COPY --parents --exclude=*.md --exclude=docs ./x/ /dst/
