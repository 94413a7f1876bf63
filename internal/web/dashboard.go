package web

import "net/http"

func (s *Server) dashboardPage(w http.ResponseWriter, r *http.Request) {}
func (s *Server) dashboardCSV(w http.ResponseWriter, r *http.Request)  {}
