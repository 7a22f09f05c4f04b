FROM ruby:3.3
ONBUILD COPY Gemfile Gemfile.lock /app/
ONBUILD RUN bundle install
ONBUILD COPY . /app
