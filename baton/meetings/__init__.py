"""The leading group office's monthly meeting (月例会): an agenda drafted from the month's
figures, attendance, minutes, and decisions tracked to closure as 督办."""
