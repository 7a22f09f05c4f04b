FROM a
CMD ["nginx", "-g", "daemon off;"]
