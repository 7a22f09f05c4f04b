FrOm alpine
WorkDir /app
