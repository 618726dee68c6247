# Installs IIS on the web server.
Install-WindowsFeature Web-Server -ComputerName CORPIDM
Get-WindowsFeature Web-Server -ComputerName CORPIDM
