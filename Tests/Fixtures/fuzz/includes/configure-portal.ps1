# Written for these tests, in the form DocFX's code includes read.
Import-Module ActiveDirectory
    Set-ADUser -Identity MIMService -Server CORPIDM
    Set-ADUser -Identity MIMMA -Server CORPIDM

# <create-accounts>
    New-ADUser -Name MIMService
    New-ADUser -Name MIMMA
# </create-accounts>
